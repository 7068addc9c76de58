//! docs/lesson.schema.json and docs/pack.schema.json (for editors) must say
//! what forklab's own model accepts (what `forklab check` enforces), and
//! docs/AUTHORING.md must document every key. When a field is added to the
//! lesson model (an Example field, exercises...), this test names it until
//! the schema and the reference have it too.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

const LESSON_SCHEMA: &str = include_str!("../docs/lesson.schema.json");
const PACK_SCHEMA: &str = include_str!("../docs/pack.schema.json");
const AUTHORING: &str = include_str!("../docs/AUTHORING.md");

type Seen = RefCell<BTreeMap<&'static str, &'static [&'static str]>>;

/// A deserializer that feeds a type a sample of every field it asks for,
/// and records each struct's name and field names on the way down.
struct Recorder<'a>(&'a Seen);

type E = de::value::Error;

impl<'de> de::Deserializer<'de> for Recorder<'_> {
    type Error = E;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        // Tables (toml::Table) and tagged enums: an empty map.
        v.visit_map(Fields {
            seen: self.0,
            fields: &[],
            next: 0,
        })
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, E> {
        self.0.borrow_mut().insert(name, fields);
        v.visit_map(Fields {
            seen: self.0,
            fields,
            next: 0,
        })
    }
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_some(self)
    }
    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        // One entry, so a map's value type (by_method's) is reached too.
        v.visit_map(Fields {
            seen: self.0,
            fields: &["fork"],
            next: 0,
        })
    }
    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_seq(One(Some(self.0)))
    }
    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_str("x")
    }
    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_str("x")
    }
    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_bool(false)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_u64(1)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_u64(1)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_u64(1)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_u64(1)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_i64(1)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_i64(1)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_f64(1.0)
    }
    serde::forward_to_deserialize_any! {
        i8 i16 i128 u128 f32 char bytes byte_buf unit unit_struct newtype_struct
        tuple tuple_struct enum identifier ignored_any
    }
}

struct Fields<'a> {
    seen: &'a Seen,
    fields: &'static [&'static str],
    next: usize,
}

impl<'de> MapAccess<'de> for Fields<'_> {
    type Error = E;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, E> {
        let Some(field) = self.fields.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        seed.deserialize(field.into_deserializer()).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, E> {
        seed.deserialize(Recorder(self.seen))
    }
}

struct One<'a>(Option<&'a Seen>);

impl<'de> SeqAccess<'de> for One<'_> {
    type Error = E;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, E> {
        match self.0.take() {
            Some(seen) => seed.deserialize(Recorder(seen)).map(Some),
            None => Ok(None),
        }
    }
}

/// Every struct reachable from `T`, with its field names.
fn structs_of<T: serde::de::DeserializeOwned>() -> BTreeMap<&'static str, BTreeSet<String>> {
    let seen = Seen::default();
    // A tagged enum deep down may refuse the sample; the fields are known by then.
    let _ = T::deserialize(Recorder(&seen));
    seen.into_inner()
        .into_iter()
        .map(|(name, fields)| (name, fields.iter().map(|f| f.to_string()).collect()))
        .collect()
}

fn keys(schema: &Value) -> BTreeSet<String> {
    schema["properties"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn lesson_schema() -> Value {
    serde_json::from_str(LESSON_SCHEMA).expect("docs/lesson.schema.json is valid JSON")
}

fn same(what: &str, model: &BTreeSet<String>, schema: &BTreeSet<String>) {
    let missing: Vec<_> = model.difference(schema).collect();
    let extra: Vec<_> = schema.difference(model).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: forklab accepts {missing:?} but docs/lesson.schema.json (or pack.schema.json) lacks them; \
         the schema has {extra:?} that forklab refuses. Update the schema and docs/AUTHORING.md."
    );
}

#[test]
fn the_schema_has_exactly_the_models_keys() {
    let schema = lesson_schema();
    let defs = &schema["definitions"];
    let structs = structs_of::<forklab::lesson::FrontMatter>();
    assert!(
        structs.contains_key("FrontMatter") && structs.contains_key("Example"),
        "{structs:?}"
    );
    for (name, fields) in &structs {
        assert!(
            defs.get(*name).is_some(),
            "the lesson model has a struct {name} with {fields:?}: add it to docs/lesson.schema.json"
        );
        same(name, fields, &keys(&defs[*name]));
    }
    let experiment: BTreeSet<String> = forklab::lab::experiment::KEYS
        .iter()
        .map(|k| k.to_string())
        .collect();
    same("Experiment", &experiment, &keys(&defs["Experiment"]));
    let question: BTreeSet<String> = forklab::lesson::quiz::KEYS
        .iter()
        .map(|k| k.to_string())
        .collect();
    same("Question", &question, &keys(&defs["Question"]));
}

#[test]
fn the_pack_schema_has_exactly_the_manifests_keys() {
    let schema: Value = serde_json::from_str(PACK_SCHEMA).unwrap();
    let structs = structs_of::<forklab::pack::Manifest>();
    let mut fields = structs["Manifest"].clone();
    // serde lists aliases among the fields in some versions; the schema has both.
    fields.insert("license".into());
    same("Manifest", &fields, &keys(&schema));
}

#[test]
fn the_reference_documents_every_key() {
    let schema = lesson_schema();
    let pack: Value = serde_json::from_str(PACK_SCHEMA).unwrap();
    let mut missing = Vec::new();
    for (name, def) in schema["definitions"].as_object().unwrap() {
        for key in keys(def) {
            if !AUTHORING.contains(&format!("`{key}`")) {
                missing.push(format!("{name}.{key}"));
            }
        }
    }
    for key in keys(&pack) {
        if !AUTHORING.contains(&format!("`{key}`")) {
            missing.push(format!("pack.{key}"));
        }
    }
    assert!(
        missing.is_empty(),
        "docs/AUTHORING.md does not mention {missing:?}"
    );
}

/// Enough of JSON Schema (draft-07) for the keywords the schema uses.
fn validate(root: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/definitions/").expect("local $ref");
        let target = &root["definitions"][name];
        assert!(!target.is_null(), "{r} does not resolve");
        validate(root, target, value, path, errors);
    }
    let fail = |errors: &mut Vec<String>, m: String| errors.push(format!("{path}: {m}"));
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            other => panic!("type {other} unsupported here"),
        };
        if !ok {
            fail(errors, format!("is not {t}"));
            return;
        }
    }
    if let Some(choices) = schema.get("enum").and_then(Value::as_array)
        && !choices.contains(value)
    {
        fail(errors, format!("{value} not in {choices:?}"));
    }
    if let Some(c) = schema.get("const")
        && c != value
    {
        fail(errors, format!("{value} is not {c}"));
    }
    if let Some(n) = value.as_f64() {
        if schema
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n < m)
        {
            fail(errors, format!("{n} below minimum"));
        }
        if schema
            .get("maximum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n > m)
        {
            fail(errors, format!("{n} above maximum"));
        }
    }
    if let Some(s) = value.as_str()
        && schema
            .get("minLength")
            .and_then(Value::as_u64)
            .is_some_and(|m| (s.chars().count() as u64) < m)
    {
        fail(errors, "too short".into());
    }
    if let Some(items) = value.as_array() {
        if schema
            .get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| (items.len() as u64) < m)
        {
            fail(errors, "too few items".into());
        }
        if schema
            .get("maxItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| (items.len() as u64) > m)
        {
            fail(errors, "too many items".into());
        }
        if let Some(item) = schema.get("items") {
            for (i, v) in items.iter().enumerate() {
                validate(root, item, v, &format!("{path}[{i}]"), errors);
            }
        }
    }
    if let Some(object) = value.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !object.contains_key(required.as_str().unwrap()) {
                fail(errors, format!("missing {required}"));
            }
        }
        for (k, v) in object {
            match (
                props.and_then(|p| p.get(k)),
                schema.get("additionalProperties"),
            ) {
                (Some(s), _) => validate(root, s, v, &format!("{path}.{k}"), errors),
                (None, Some(Value::Bool(false))) => fail(errors, format!("unknown key {k}")),
                (None, Some(extra)) if extra.is_object() => {
                    validate(root, extra, v, &format!("{path}.{k}"), errors)
                }
                (None, _) => {}
            }
            if let Some(names) = schema.get("propertyNames") {
                validate(
                    root,
                    names,
                    &Value::String(k.clone()),
                    &format!("{path} key {k}"),
                    errors,
                );
            }
        }
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let passing = options
            .iter()
            .filter(|o| {
                let mut e = Vec::new();
                validate(root, o, value, path, &mut e);
                e.is_empty()
            })
            .count();
        if passing != 1 {
            errors.push(format!("{path}: matches {passing} of oneOf"));
        }
    }
}

fn front_matter_json(lesson: &forklab::lesson::Lesson) -> Value {
    let table: toml::Table = toml::from_str(&lesson.front).unwrap();
    serde_json::to_value(table).unwrap()
}

#[test]
fn every_shipped_and_scaffolded_lesson_validates_against_the_schema() {
    let schema = lesson_schema();
    let mut lessons = forklab::lesson::LessonSet::embedded().lessons;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    forklab::pack::scaffold::create(&dir).unwrap();
    lessons.extend(forklab::lesson::LessonSet::from_dir(&dir).unwrap().lessons);
    assert!(lessons.len() > 10);
    let mut errors = Vec::new();
    for lesson in &lessons {
        validate(
            &schema,
            &schema,
            &front_matter_json(lesson),
            &lesson.file,
            &mut errors,
        );
    }
    assert!(errors.is_empty(), "{errors:#?}");
    let pack: Value = serde_json::from_str(PACK_SCHEMA).unwrap();
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(dir.join("pack.toml")).unwrap()).unwrap();
    validate(
        &pack,
        &pack,
        &serde_json::to_value(manifest).unwrap(),
        "pack.toml",
        &mut errors,
    );
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn the_schema_refuses_what_check_refuses() {
    let schema = lesson_schema();
    for (front, why) in [
        (
            "id = \"a\"\ntitle = \"A\"\npart = 1\norder = 0\ntitel = \"x\"\n",
            "unknown key",
        ),
        ("id = \"a\"\ntitle = \"A\"\npart = 1\n", "missing"),
        (
            "id = \"a\"\ntitle = \"A\"\npart = 1\norder = 0\n[[examples]]\nid = \"e\"\ntitle = \"E\"\nfile = \"e.py\"\ncolour = 1\n",
            "unknown key",
        ),
        (
            "id = \"a\"\ntitle = \"A\"\npart = 1\norder = 0\n[[experiments]]\nid = \"e\"\ntitle = \"E\"\nworkload = \"gpu\"\n",
            "not in",
        ),
    ] {
        let value = serde_json::to_value(toml::from_str::<toml::Table>(front).unwrap()).unwrap();
        let mut errors = Vec::new();
        validate(&schema, &schema, &value, "x", &mut errors);
        assert!(
            errors.iter().any(|e| e.contains(why)),
            "{front}: {errors:?}"
        );
        let lesson = format!("+++\n{front}+++\n");
        let set = forklab::lesson::LessonSet::from_files(
            vec![("x.md".into(), lesson)],
            forklab::lesson::Origin::Embedded,
        );
        assert!(
            !forklab::lesson::check::check(&set).is_empty(),
            "check accepts {front}"
        );
    }
}

/// The limits the schema states for an experiment are the lab's own
/// (one fact: `lab::config::MAX_WORKERS` and `MAX_TASKS`), so an editor
/// refuses what `forklab check` refuses. The schema stays written by hand
/// (experiments and questions are read from TOML tables, not serde
/// types, so schemars could not derive them: docs/PERFORMANCE.md).
#[test]
fn the_schemas_experiment_limits_are_the_labs() {
    use forklab::lab::config::{MAX_TASKS, MAX_WORKERS};
    let schema = lesson_schema();
    let experiment = &schema["definitions"]["Experiment"]["properties"];
    let max = |v: &Value| v["maximum"].as_u64();
    assert_eq!(
        max(&experiment["workers"]["items"]),
        Some(MAX_WORKERS as u64)
    );
    assert_eq!(max(&experiment["tasks"]), Some(MAX_TASKS as u64));
    assert_eq!(max(&experiment["chunksize"]), Some(MAX_TASKS as u64));
}
