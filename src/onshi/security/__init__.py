"""Credentials: API keys now; certificates (mutual TLS, My Number Card emulation) later."""
