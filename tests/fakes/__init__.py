"""Fake outside services for tests: platform APIs and Rasa, as real HTTP servers on 127.0.0.1."""
