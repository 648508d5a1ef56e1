"""Writes to the paper: `papers` (register, edit, upload, withdraw), `pdf_versions`
(the one way an upload becomes a version). Import each from its module."""
