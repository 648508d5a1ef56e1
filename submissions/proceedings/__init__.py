"""The proceedings volume: `builder` (no Django) merges the accepted papers into one PDF."""
