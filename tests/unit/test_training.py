"""The model fingerprint changes exactly when the training inputs change."""

from pathlib import Path

from backend.training import fingerprint


def make_project(root: Path) -> None:
    (root / "data" / "nlu").mkdir(parents=True)
    (root / "requirements").mkdir()
    (root / "engine").mkdir()
    (root / "engine" / "linear_intents.py").write_text("# the intent classifier\n")
    (root / "engine" / "linear_model.py").write_text("# their model\n")
    (root / "engine" / "linear_responses.py").write_text("# the response selectors\n")
    (root / "config.yml").write_text("pipeline: []\n")
    (root / "domain.yml").write_text("version: '3.1'\n")
    (root / "data" / "nlu" / "greet.yml").write_text("nlu: []\n")
    (root / "requirements" / "rasa-constraints.txt").write_text("rasa==3.6.21\n")


def test_a_changed_intent_classifier_gives_a_new_fingerprint(tmp_path: Path) -> None:
    make_project(tmp_path)
    before = fingerprint(tmp_path)
    (tmp_path / "engine" / "linear_intents.py").write_text("# the intent classifier, changed\n")
    assert fingerprint(tmp_path) != before


def test_a_changed_response_selector_gives_a_new_fingerprint(tmp_path: Path) -> None:
    make_project(tmp_path)
    before = fingerprint(tmp_path)
    (tmp_path / "engine" / "linear_responses.py").write_text("# the selectors, changed\n")
    assert fingerprint(tmp_path) != before


def test_a_changed_shared_model_gives_a_new_fingerprint(tmp_path: Path) -> None:
    make_project(tmp_path)
    before = fingerprint(tmp_path)
    (tmp_path / "engine" / "linear_model.py").write_text("# their model, changed\n")
    assert fingerprint(tmp_path) != before


def test_the_same_inputs_give_the_same_fingerprint(tmp_path: Path) -> None:
    make_project(tmp_path)
    assert fingerprint(tmp_path) == fingerprint(tmp_path)


def test_a_changed_training_example_gives_a_new_fingerprint(tmp_path: Path) -> None:
    make_project(tmp_path)
    before = fingerprint(tmp_path)
    (tmp_path / "data" / "nlu" / "greet.yml").write_text("nlu: [halo]\n")
    assert fingerprint(tmp_path) != before


def test_files_outside_the_training_inputs_do_not_matter(tmp_path: Path) -> None:
    make_project(tmp_path)
    before = fingerprint(tmp_path)
    (tmp_path / "README.md").write_text("docs\n")
    assert fingerprint(tmp_path) == before
