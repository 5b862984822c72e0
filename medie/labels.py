"""The label set of spec v1.3 and the keys under which medie stores its data on a Doc."""

from __future__ import annotations

LABELS = ("DRUG", "TARGET", "PHASE", "RESULT", "ENDPOINT", "DISEASE", "SAMPLE_SIZE", "DOSE", "TRIAL")
CORE_LABELS = ("DRUG", "TARGET", "PHASE", "RESULT")

# ``doc.user_data`` keys: the raw text, the normalised text and the offset map (set by the
# tokenizer), and the attributes of each entity (set by the attribute component).
RAW_KEY = "medie_raw"
TEXT_KEY = "medie_text"
MAP_KEY = "medie_map"
ATTRS_KEY = "medie_attrs"
# codes of a lexicon concept found at normalised offsets (start, end): ``(CODES_KEY, start, end)``
CODES_KEY = "medie_codes"

# names found in the other pieces of a long text, for the propagator: form -> (label, canonical)
SEEDS_KEY = "medie_propagate_seeds"

# The span group holding rule and model candidates before the resolver picks the mentions.
CANDIDATES = "medie_candidates"
