"""The plain-HTTP door: attachment downloads and the embeddable score widgets."""
