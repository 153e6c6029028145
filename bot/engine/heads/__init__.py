"""Small trained heads that read a model's intermediate outputs (e.g. the NLI pooled vector) for a better decision."""
