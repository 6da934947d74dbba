"""Signed pass tokens (the text in the agent's QR code) and the keys that sign them."""
