//! Parquet in: the demo's inputs (staff, vacancies, applications, appointments, sites, lookups, deprivation, population) written as typed Parquet give the same tables as the CSVs; a Parquet file's bad cell is named by row and column.

use std::path::Path;

use polars::prelude::*;

use crate::util::*;

/// Writes `csv` as Parquet at `parquet`: each column as integers, or floats, where every cell
/// reads back as written, else as text (as a platform's typed extract would have it).
fn csv_to_parquet(csv: &Path, parquet: &Path) {
    let frame = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(csv.to_path_buf()))
        .unwrap()
        .finish()
        .unwrap();
    let columns: Vec<Column> = frame.columns().iter().map(typed).collect();
    let mut frame = DataFrame::new(frame.height(), columns).unwrap();
    ParquetWriter::new(std::fs::File::create(parquet).unwrap()).finish(&mut frame).unwrap();
}

/// The column as Int64 or Float64 when that loses nothing of its text, else as it is.
fn typed(column: &Column) -> Column {
    for dtype in [DataType::Int64, DataType::Float64] {
        let Ok(cast) = column.cast(&dtype) else { continue };
        let back = cast.cast(&DataType::String).unwrap();
        if back.as_materialized_series() == column.as_materialized_series() {
            return cast;
        }
    }
    column.clone()
}

const AS_PARQUET: [&str; 8] = [
    "anchorshire_fictional_staff",
    "anchorshire_fictional_vacancies",
    "anchorshire_fictional_applications",
    "anchorshire_fictional_appointments",
    "anchorshire_fictional_sites",
    "anchorshire_fictional_area_lookup",
    "anchorshire_fictional_imd",
    "anchorshire_fictional_population",
];

#[test]
fn the_demo_from_parquet_inputs_gives_the_same_tables() {
    let dir = temp_dir();
    let demo = dir.path().join("demo");
    anchormap_ok(["demo".as_ref(), "--out".as_ref(), demo.as_os_str(), "-q".as_ref()]);
    let mut config = std::fs::read_to_string(demo.join("anchormap.toml")).unwrap();
    for name in AS_PARQUET {
        let csv = demo.join("inputs").join(format!("{name}.csv"));
        assert!(csv.is_file(), "{name}.csv is among the demo's inputs");
        csv_to_parquet(&csv, &demo.join("inputs").join(format!("{name}.parquet")));
        config = config.replace(&format!("{name}.csv"), &format!("{name}.parquet"));
    }
    std::fs::write(demo.join("parquet.toml"), config).unwrap();
    for command in ["gaps", "funnel", "emissions", "commute"] {
        let (from_csv, from_parquet) =
            (dir.path().join(format!("{command}-csv")), dir.path().join(format!("{command}-pq")));
        for (settings, out) in [("anchormap.toml", &from_csv), ("parquet.toml", &from_parquet)] {
            let config = demo.join(settings);
            anchormap_ok([
                "--config".as_ref(),
                config.as_os_str(),
                command.as_ref(),
                "--out".as_ref(),
                out.as_os_str(),
                "-q".as_ref(),
            ]);
        }
        let mut compared = 0;
        for folder in [Path::new(""), Path::new("not-for-publication")] {
            for file in published_files(from_csv.join(folder)) {
                let name = file.file_name().unwrap().to_string_lossy().into_owned();
                if !(name.ends_with(".csv") || name.ends_with(".geojson")) {
                    continue;
                }
                let other = from_parquet.join(folder).join(&name);
                assert_eq!(std::fs::read(&file).unwrap(), std::fs::read(&other).unwrap(), "{command}: {name} differs");
                compared += 1;
            }
        }
        assert!(compared >= 3, "{command}: {compared} tables compared");
    }
}

#[test]
fn a_parquet_file_is_read_by_its_content_and_a_broken_one_named() {
    let dir = temp_dir();
    let mut frame = df!("id" => [1i64, 2], "patient_postcode" => ["QZ1 2AA", "QZ1 2AB"]).unwrap();
    let parquet = dir.path().join("appointments.extract");
    ParquetWriter::new(std::fs::File::create(&parquet).unwrap()).finish(&mut frame).unwrap();
    let out = anchormap(["inspect".as_ref(), parquet.as_os_str()]);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("patient_postcode"), "{text}");
    let garbage = dir.path().join("not_really.parquet");
    std::fs::write(&garbage, b"PAR1 and then nothing that Parquet is").unwrap();
    let err = anchormap_err(["inspect".as_ref(), garbage.as_os_str()]);
    assert!(err.contains("not_really.parquet") && err.contains("Parquet"), "{err}");
}
