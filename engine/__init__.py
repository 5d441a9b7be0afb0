"""Code the Rasa environment's Python (3.10) runs: it may import Rasa, never the app."""
