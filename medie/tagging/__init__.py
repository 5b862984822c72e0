"""The trained tagger: token features and an averaged structured perceptron."""
