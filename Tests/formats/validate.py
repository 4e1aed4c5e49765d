"""Validates events the relay rendered, one JSON document per line: `ocsf` against OCSF's Detection Finding (the
py-ocsf-models package, with nothing dropped as unknown and the class arithmetic checked) or, for class 6003, against
a closed JSON Schema of OCSF's API Activity written from OCSF's own definitions (py-ocsf-models has no model of it);
`prisma` against the schema of Prisma Cloud's webhook notification (jsonschema). Prints what it checked; exits 1
naming each problem."""
import json
import pathlib
import sys

import jsonschema
from py_ocsf_models import OCSF_VERSION
from py_ocsf_models.events.findings.detection_finding import DetectionFinding


def dropped(given, kept, path=""):
    """Keys of `given` that the model did not keep: fields OCSF's class does not have."""
    if isinstance(given, dict) and isinstance(kept, dict):
        for key, value in given.items():
            if key not in kept:
                yield f"{path}.{key}".lstrip(".")
            elif key not in ("unmapped", "data"):
                yield from dropped(value, kept[key], f"{path}.{key}")
    elif isinstance(given, list) and isinstance(kept, list):
        for index, (a, b) in enumerate(zip(given, kept)):
            yield from dropped(a, b, f"{path}[{index}]")


HERE = pathlib.Path(__file__).parent


def check_ocsf(event):
    if event.get("class_uid") == 6003:
        validator = jsonschema.Draft202012Validator(json.loads((HERE / "ocsf-api-activity.schema.json").read_text()))
        problems = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(event)]
        if event.get("type_uid") != 600300 + event.get("activity_id", -1):
            problems.append("type_uid is not class_uid * 100 + activity_id")
        return problems
    model = DetectionFinding.model_validate(event)
    problems = [f"{key} is not an OCSF Detection Finding field" for key in dropped(event, model.model_dump(mode="json"))]
    if event["class_uid"] != 2004 or event["category_uid"] != 2:
        problems.append("not class 2004 in category 2")
    if event["type_uid"] != event["class_uid"] * 100 + event["activity_id"]:
        problems.append("type_uid is not class_uid * 100 + activity_id")
    if event["metadata"]["version"] != OCSF_VERSION:
        problems.append(f"metadata.version is not {OCSF_VERSION}")
    return problems


def main():
    kind, path = sys.argv[1], sys.argv[2]
    events = [json.loads(line) for line in pathlib.Path(path).read_text().splitlines() if line.strip()]
    problems = []
    if kind == "ocsf":
        for index, event in enumerate(events):
            try:
                problems += [f"event {index}: {p}" for p in check_ocsf(event)]
            except Exception as error:  # pydantic's ValidationError names every field
                problems.append(f"event {index}: {error}")
    else:
        schema = json.loads((HERE / "prisma-notification.schema.json").read_text())
        validator = jsonschema.Draft202012Validator(schema)
        for index, body in enumerate(events):
            problems += [f"body {index}: {'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(body)]
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"{len(events)} valid {kind}")


if __name__ == "__main__":
    main()
