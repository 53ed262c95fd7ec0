"""The taxonomy sensor's ticks against an ephemeral instance: the file observed, new subclasses added alone.

The first tick adds the partitions, observes the file and asks for the subclass rows; adding a
subclass to the file and ticking again adds exactly that partition and asks for its row alone (the
automation screens it); an unchanged file is not observed again.
"""

import dagster as dg

from roadmap_pipeline.definitions import defs
from roadmap_pipeline.defs.partitions import subclass_partitions
from roadmap_pipeline.defs.resources import TaxonomyFile
from roadmap_pipeline.defs.taxonomy.assets import TAXONOMY_FILE, file_version
from roadmap_pipeline.defs.taxonomy.sensors import DATA_VERSION_TAG, SUBCLASSES, taxonomy_sensor
from roadmap_pipeline.lib.taxonomy import write_subset
from roadmap_pipeline.settings import DEFAULT_TAXONOMY

TAXONOMY = DEFAULT_TAXONOMY
FIRST_TWO = ["design.process_design", "health.diagnosis"]


def _tick(instance, path, cursor=None):
    context = dg.build_sensor_context(instance=instance, cursor=cursor,
                                      resources={"taxonomy_file": TaxonomyFile(path=str(path))})
    result = taxonomy_sensor(context)
    for request in getattr(result, "dynamic_partitions_requests", None) or []:  # what the daemon does with them
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    return result


def test_a_fresh_instance_gets_partitions_subclass_rows_and_an_observation(tmp_path):
    taxonomy = tmp_path / "taxonomy.yaml"
    write_subset(TAXONOMY, FIRST_TWO, taxonomy)
    instance = dg.DagsterInstance.ephemeral()
    first = _tick(instance, taxonomy)
    assert sorted(instance.get_dynamic_partitions(subclass_partitions.name)) == FIRST_TWO
    assert sorted(r.partition_key for r in first.run_requests) == FIRST_TWO
    assert {tuple(r.asset_selection) for r in first.run_requests} == {(SUBCLASSES,)}
    [observation] = first.asset_events
    assert observation.asset_key == TAXONOMY_FILE and observation.tags[DATA_VERSION_TAG] == file_version(taxonomy)
    assert len(file_version(taxonomy)) == 16 and file_version(taxonomy) != file_version(TAXONOMY)

    again = _tick(instance, taxonomy, first.cursor)
    assert isinstance(again, dg.SkipReason) and "unchanged" in again.skip_message


def test_a_subclass_added_to_the_file_is_backfilled_alone(tmp_path):
    taxonomy = tmp_path / "taxonomy.yaml"
    write_subset(TAXONOMY, FIRST_TWO, taxonomy)
    instance = dg.DagsterInstance.ephemeral()
    cursor = _tick(instance, taxonomy).cursor

    write_subset(TAXONOMY, [*FIRST_TWO, "health.prediction"], taxonomy)
    added = _tick(instance, taxonomy, cursor)
    assert sorted(instance.get_dynamic_partitions(subclass_partitions.name)) == [*FIRST_TWO, "health.prediction"]
    [request] = added.run_requests
    assert request.partition_key == "health.prediction" and request.asset_selection == [SUBCLASSES]
    assert taxonomy_sensor.job_name == "subclass_backfill"
    [observation] = added.asset_events
    assert observation.tags[DATA_VERSION_TAG] == file_version(taxonomy)


def test_the_taxonomy_file_is_in_the_graph_upstream_of_every_reader():
    graph = defs.resolve_asset_graph()
    readers = {key.to_user_string() for key in graph.get(TAXONOMY_FILE).child_keys}
    assert readers == {"taxonomy/subclasses", "taxonomy/subclass_patents", "indicators/subclass_indicators",
                       "indicators/yearly_counts", "reports/roadmap_report"} | {
        f"topics/{name}" for name in ("clusters", "cluster_members", "cluster_windows", "keyword_trends",
                                      "emerging_keywords", "member_tokens", "subclass_state", "task_themes")}
    assert graph.get(TAXONOMY_FILE).is_observable and not graph.get(TAXONOMY_FILE).is_materializable
