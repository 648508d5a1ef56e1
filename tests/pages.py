"""Reading responses as a person would, for comparisons."""

import re


def without_tokens(response) -> str:
    """The page minus what differs on every response (masked CSRF tokens, CSP nonces)."""
    html = response.content.decode()
    html = re.sub(r"[A-Za-z0-9]{64}", "", html)
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)
