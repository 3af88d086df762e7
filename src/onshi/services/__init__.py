"""Service functions: every entry point (API, terminal, CLI) calls these."""
