"""The proceedings volume and the public program: `builder` (merges the accepted
papers into one PDF) and `changes` (how a build differs from today's papers) are
free of Django; `services` (order, builds, publishing), `state` (what the
organizers are told), `exports` (CSV, JSON, BibTeX, CEUR-WS) and `views`."""
