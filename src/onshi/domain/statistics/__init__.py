"""The operator's statistics (domain.md §9, seed 004): adoption of online qualification
confirmation, monthly usage, the My Number Card utilisation rate (マイナ保険証利用率) and the
support money paid by it — as pure rules over counts. The counts come from the store; nothing
here reads a database."""
