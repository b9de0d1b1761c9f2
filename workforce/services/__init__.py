"""workforce's writes. Other apps call these, never the models' save()."""
