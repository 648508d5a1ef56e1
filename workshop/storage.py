"""The S3 store of uploads (settings: AWS_STORAGE_BUCKET_NAME), django-storages'
`S3Storage` with three costs of every upload taken out (bench/deadline.py):

- django-storages builds a boto3 session (loading botocore's service models,
  about 0.1-0.3 CPU-s) in every thread that touches the store; here the
  process's threads share one session, and each thread's resource comes from it
  (a resource is not thread-safe, the session's loaded models are reused).
- It writes through s3transfer's `upload_fileobj`, which starts a thread pool
  and futures for every file; a file up to SINGLE_PUT_MAX goes up in one
  `put_object` here (a PDF is at most the workshop's limit).
- `file_overwrite=False` asks the store whether a name exists (one HEAD request)
  before every write. Names under `RANDOM_PREFIXES` are random by construction
  (`submissions.models._random_upload_path`: 192 random bits), so a collision
  cannot happen and the question is skipped for them; other names (backup
  restore, proceedings volumes) are still checked.
"""

import os
import threading

import boto3
from storages.backends import s3
from storages.utils import clean_name, is_seekable

RANDOM_PREFIXES = ("pdf/",)
SINGLE_PUT_MAX = 100 * 1024 * 1024  # larger files go up in parts (s3transfer), as before

_sessions: dict[tuple, boto3.session.Session] = {}
_sessions_lock = threading.Lock()


class S3Storage(s3.S3Storage):
    def _create_session(self):
        key = (self.session_profile, self.access_key, self.secret_key, self.security_token)
        with _sessions_lock:
            session = _sessions.get(key)
            if session is None:
                session = _sessions[key] = super()._create_session()
        return session

    @property
    def connection(self):
        connection = getattr(self._connections, "connection", None)
        if connection is None:
            session = self._create_session()
            with _sessions_lock:  # a shared session builds one resource at a time
                self._connections.connection = session.resource(
                    "s3", region_name=self.region_name, use_ssl=self.use_ssl, endpoint_url=self.endpoint_url,
                    config=self.client_config, verify=self.verify,
                )
        return self._connections.connection

    def get_available_name(self, name, max_length=None):
        if not self.file_overwrite and clean_name(name).startswith(RANDOM_PREFIXES):
            name = clean_name(name)
            if max_length is None or len(name) <= max_length:
                return name
        return super().get_available_name(name, max_length)

    def _save(self, name, content):
        size = getattr(content, "size", None)
        if self.gzip or size is None or size > SINGLE_PUT_MAX:  # compressed or large: s3transfer's way
            return super()._save(name, content)
        cleaned_name = clean_name(name)
        key = self._normalize_name(cleaned_name)
        params = self._get_write_parameters(key, content)
        if is_seekable(content):
            content.seek(0, os.SEEK_SET)
        body = content.read()
        if isinstance(body, str):
            body = body.encode()
        self.connection.meta.client.put_object(Bucket=self.bucket_name, Key=key, Body=body, **params)
        return cleaned_name
