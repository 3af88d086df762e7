"""What terminal and central agree on for carrying request files: one place for both sides.

`POST` the file's bytes to REQUESTS_PATH with its name (percent-encoded) and the terminal's
journal id; central answers with the result file and its name."""

from __future__ import annotations

REQUESTS_PATH = "/api/v1/terminal/requests"
FILENAME_HEADER = "X-Onshi-Filename"
REQUEST_ID_HEADER = "X-Onshi-Request-Id"
RESULT_FILENAME_HEADER = "X-Onshi-Result-Filename"
CONNECTION_TEST_PATH = "/api/v1/terminal/connection-test"  # 接続確認 (the portal's onboarding step)
