"""The text layer: raw input → decoded text → normalised text with a raw-offset map → tokens."""
