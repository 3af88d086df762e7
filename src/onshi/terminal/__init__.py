"""The qualification-confirmation terminal (資格確認端末): the folders receipt computers use
(`req`, `res`, `face`), the agent that carries request files to central over mutual TLS, and
its journal."""
