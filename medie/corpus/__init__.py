"""The corpus layer: gold documents (:mod:`.gold`), annotation-tool converters (:mod:`.convert`),
evaluation (:mod:`.evaluate`) and training with cross-validation (:mod:`.train`)."""

from .gold import (
    DEFAULT_GOLD,
    ImportReport,
    CorpusError,
    Document,
    Misaligned,
    add_to_gold,
    alignment_report,
    check_spans,
    corpus_dir,
    documents_without_gold,
    gold_doc,
    gold_path,
    gold_stats,
    load_documents,
    read_gold,
    read_raw,
    to_dataset,
    to_docbin,
    write_gold,
)

__all__ = [
    "DEFAULT_GOLD", "ImportReport", "CorpusError", "Document", "Misaligned", "add_to_gold", "alignment_report", "check_spans",
    "corpus_dir", "documents_without_gold", "gold_doc", "gold_path", "gold_stats", "load_documents", "read_gold", "read_raw", "to_dataset",
    "to_docbin", "write_gold",
]
