"""`onshi reader`: the face-recognition card reader at the counter, emulated in a terminal.

* `session` — the flow (card, face or PIN, consent, signed confirmation, first registration);
* `screens` — the Japanese screens (Rich), each answerable by a flag;
* `answers` — those flags as values;
* `client` — the calls to central;
* `facefile` — the result file in the terminal's `face` folder.
"""
