"""Help for reception staff: the FAQ (`faq.json`), explanations of result and error codes
(`codes.json`), and a search over both that understands questions in staff's own words
(`onshi help`, the `/help` page and `GET /api/v1/help` on central).

The search mixes a multilingual sentence-embedding model (when installed) with a character
n-gram BM25 index that needs nothing but the standard library; docs/help.md explains it.
"""
