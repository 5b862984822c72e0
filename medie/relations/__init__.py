"""Relations between mentions (spec v2.0) and the ``negated`` attribute: rule engines over plain
mentions and the raw text, used by the pipeline components, :func:`medie.analyze` and the scorer."""
