//! The embedded demo sample, fictional Anchorshire: where its files live in the repository, their contents built into the binary, and how they were made ([`region`]).

pub mod region;

/// Declares each sample file's repository path and embeds its contents.
macro_rules! sample_files {
    ($($name:ident = $path:literal;)*) => {
        $(#[doc = concat!("The sample file `", $path, "`.")] pub const $name: &str = $path;)*
        /// Every sample file: repository path and contents.
        pub const EMBEDDED: &[(&str, &str)] = &[$(($path, include_str!(concat!("../../", $path)))),*];
    };
}

sample_files! {
    BOUNDARIES = "boundaries/anchorshire_fictional_areas.geojson";
    DEPRIVATION = "data/demo/anchorshire_fictional_imd.csv";
    POPULATION = "data/demo/anchorshire_fictional_population.csv";
    LOOKUP = "data/demo/anchorshire_fictional_area_lookup.csv";
    POSTCODES = "data/demo/anchorshire_fictional_postcodes.csv";
    SITES = "data/demo/anchorshire_fictional_sites.csv";
    STAFF = "data/demo/anchorshire_fictional_staff.csv";
    VACANCIES = "data/demo/anchorshire_fictional_vacancies.csv";
    APPOINTMENTS = "data/demo/anchorshire_fictional_appointments.csv";
    APPLICATIONS = "data/demo/anchorshire_fictional_applications.csv";
    COMMUNITY_STAFF = "data/demo/anchorshire_fictional_community_trust_staff.csv";
    COUNCIL_STAFF = "data/demo/anchorshire_fictional_council_staff.csv";
    EMPLOYERS = "data/demo/anchorshire_fictional_employers.csv";
    COMMUNITY_APPLICATIONS = "data/demo/anchorshire_fictional_community_trust_applications.csv";
    COUNCIL_APPLICATIONS = "data/demo/anchorshire_fictional_council_applications.csv";
}

/// The file name of a sample file (where `demo` writes it).
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A relative path written with `/` (as the sample's paths and the demo's outputs are) under `root`,
/// joined part by part so that it has the platform's separators (`\` on Windows).
///
/// ```
/// let path = anchormap::demo::under(std::path::Path::new("out"), "maps/deprivation.svg");
/// assert_eq!(path, std::path::Path::new("out").join("maps").join("deprivation.svg"));
/// ```
pub fn under(root: &std::path::Path, relative: &str) -> std::path::PathBuf {
    relative.split('/').fold(root.to_path_buf(), |path, part| path.join(part))
}

/// Writes the sample as generated from `seed` under `root` (the repository), returning the paths written.
pub fn regenerate(root: &std::path::Path, seed: u64) -> crate::Result<Vec<std::path::PathBuf>> {
    let mut written = Vec::new();
    for (path, contents) in region::generate(seed) {
        let target = under(root, path);
        crate::io::atomic::write_file(&target, contents.as_bytes())?;
        written.push(target);
    }
    Ok(written)
}
