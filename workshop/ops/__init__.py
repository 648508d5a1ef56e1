"""Running the site: health, request logs and their masking, backups, and the pages shown
when the file store or the database is down or busy."""
