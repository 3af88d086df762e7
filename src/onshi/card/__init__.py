"""My Number Card emulation: an emulated J-LIS CA, cards as files, face and PIN authentication.

* `jlis` — the CA that issues user-authentication certificates (利用者証明用電子証明書), created
  on first use under `Settings.jlis_dir`;
* `certificates` — how those certificates are built and how central checks a presented one;
* `cardfile` — the card itself (key, surface data, face template, PIN counter) as a file;
* `face` — simulated face templates and matching;
* `protocol` — the exact bytes a card signs at the counter;
* `errors` — the package's exception tree.

Issuing a card also records its certificate with central: see `onshi.services.card_issuance`.
"""
