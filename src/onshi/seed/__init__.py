"""Deterministic synthetic data: the population of Japan as insurer-feed rows, and facilities."""
