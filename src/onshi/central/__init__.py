"""The central service (FastAPI): facility, insurer and operator APIs."""
