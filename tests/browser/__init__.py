"""Tests in real headless Chromium against the app running in its own process."""
