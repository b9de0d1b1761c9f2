"""The small kernel every app uses (money formatting, enqueue after commit, htmx page-or-fragment,
rate limiting, ...). It imports no app, so every app may import it."""
