//! A network's staff counts as published: every partner's tables and the pool's as one system of sums, each pooled count the sum of the partners' same counts.
//!
//! The pool is published beside the partners: an attacker holding every file subtracts the
//! published partners from the pool to get the last one. So the pool's counts and every partner's
//! are protected at once ([`Disclosure::protect`] over one system): each pooled count is a sum of
//! the partners' same counts, and a partner published only within the pool (too small to protect
//! on its own) is in the system unpublished, protected like any hidden count.

use std::collections::BTreeMap;

use crate::analysis::community::Community;
use crate::analysis::gaps::StaffTally;
use crate::analysis::AreaFacts;
use crate::commute::published::{CommuteSystem, PublishedCommute};
use crate::funnel::published::{FunnelSystem, PublishedFunnel};
use crate::funnel::tally::FunnelTableSpec;
use crate::funnel::PlacedApplications;
use crate::gaps::published::{PublishedStaff, StaffSystem, RARE_STAFF_GROUPS};
use crate::gaps::PlacedStaff;
use crate::output::disclosure::{Cell, Disclosure, DisclosureAudit, Importance, Margins};

/// The partners' tallies made to hold the same groups, and the pool's tally their sum: staff
/// groups fewer than the rule's minimum across the network merged (by the pool, once, so that
/// every partner's table has the same rows), every group of any partner in every partner's table.
pub fn harmonise(tallies: &mut [&mut StaffTally], rule: &Disclosure) -> StaffTally {
    let mut totals: BTreeMap<String, f64> = BTreeMap::new();
    for tally in tallies.iter() {
        for (label, staff) in tally.groups.get("staff_group").into_iter().flatten() {
            *totals.entry(label.clone()).or_default() += staff.iter().sum::<f64>();
        }
    }
    let rare: Vec<&String> = totals
        .iter()
        .filter(|(_, n)| rule.protects() && **n < f64::from(rule.min_count.max(1)))
        .map(|(l, _)| l)
        .collect();
    for tally in tallies.iter_mut() {
        let Some(groups) = tally.groups.get_mut("staff_group") else { continue };
        for label in &rare {
            if let Some(staff) = groups.remove(*label) {
                let other = groups.entry(RARE_STAFF_GROUPS.to_string()).or_insert_with(|| vec![0.0; staff.len()]);
                other.iter_mut().zip(&staff).for_each(|(a, b)| *a += b);
            }
        }
    }
    let areas = tallies.first().map_or(0, |t| t.by_area.len());
    let mut pool = StaffTally::new(areas);
    for tally in tallies.iter() {
        pool.merge((**tally).clone());
    }
    for tally in tallies.iter_mut() {
        fill(tally, &pool);
    }
    pool
}

/// Every group of `pool` in `tally`, with no one in it where the partner has no one.
fn fill(tally: &mut StaffTally, pool: &StaffTally) {
    let areas = tally.by_area.len();
    for (dimension, groups) in &pool.groups {
        let mine = tally.groups.entry(dimension).or_default();
        for label in groups.keys() {
            mine.entry(label.clone()).or_insert_with(|| vec![0.0; areas]);
        }
    }
    for (dimension, counts) in &pool.all_staff {
        let mine = tally.all_staff.entry(dimension).or_default();
        for key in counts.keys() {
            mine.entry(key.clone()).or_insert(0.0);
        }
    }
    if pool.band_by_wres.is_some() && tally.band_by_wres.is_none() {
        tally.band_by_wres = Some(BTreeMap::new());
    }
}

/// The network as published: the pool's tables, each partner's (`None` for one published only
/// within the pool), and the audit of the whole system.
pub struct PublishedNetwork {
    /// The pool's tables.
    pub pool: PublishedStaff,
    /// Each partner's, in order (`None`: published only within the pool).
    pub partners: Vec<Option<PublishedStaff>>,
    /// The pool's funnel tables, when any partner gave applications.
    pub funnel_pool: Option<PublishedFunnel>,
    /// Each partner's funnel tables (`None`: no applications, or published only within the pool).
    pub funnel_partners: Vec<Option<PublishedFunnel>>,
    /// The pool's staff travel with `--commute`: its tables and its summary line's cells.
    pub commute_pool: Option<PublishedTravel>,
    /// Each partner's (`None`: no `--commute`, or published only within the pool).
    pub commute_partners: Vec<Option<PublishedTravel>>,
    /// The audit of the whole system.
    pub audit: DisclosureAudit,
}

/// A folder's staff travel as published: its tables, and its summary's counts (rows, placed, each
/// reason not placed: [`crate::commute::partners::summary_line`]).
pub struct PublishedTravel {
    /// Its tables.
    pub tables: PublishedCommute,
    /// Its summary's counts, in the order of the summary line.
    pub line: Vec<Cell>,
}

/// The network's staff travel (`--commute`): the pool's system and summary line
/// ([`crate::commute::partners::summary_line`]), and every partner's, each laid out alike.
pub(crate) struct NetworkCommute<'a> {
    pub pool: (&'a CommuteSystem, &'a [f64]),
    pub partners: Vec<(&'a CommuteSystem, &'a [f64])>,
}

/// The network's applications: the tables every funnel follows, the pool's applications and
/// each partner's (`None`: it gave no applications file, and is in no funnel count).
pub(crate) struct NetworkFunnel<'a> {
    pub specs: &'a [FunnelTableSpec],
    pub pool: &'a PlacedApplications,
    pub partners: Vec<Option<&'a PlacedApplications>>,
}

/// Protects the pool and the partners (`pooled_only` marking those published only within the
/// pool) as one system of sums: the staff counts and, with `funnel`, the applications (each
/// pooled count the sum of the same count of the partners that gave applications) and, with
/// `commute`, the staff travel counts (each pooled count the sum of every partner's). Their staff
/// tallies must have been [`harmonise`]d (and their commute tallies
/// [`crate::commute::partners::harmonise`]d).
pub(crate) fn protect(
    (facts, community): (&[AreaFacts], &Community),
    pool: &PlacedStaff,
    partners: &[(&PlacedStaff, bool)],
    (funnel, commute): (Option<&NetworkFunnel>, Option<&NetworkCommute>),
    rule: &Disclosure,
) -> anyhow::Result<PublishedNetwork> {
    let system = |placed: &PlacedStaff| {
        let counts = &placed.counts;
        StaffSystem::build(facts, community, &placed.tally, (&counts.by_match, counts.placed_outside_community), None)
    };
    let pooled = system(pool);
    let each: Vec<StaffSystem> = partners.iter().map(|(p, _)| system(p)).collect();
    let n = pooled.raw().len();
    if each.iter().any(|s| s.raw().len() != n) {
        anyhow::bail!("the partners' tables do not have the same rows (an internal error: please report it)");
    }
    let mut raw = pooled.raw().to_vec();
    let mut margins = pooled.margins().clone();
    for (k, (s, (_, pooled_only))) in each.iter().zip(partners).enumerate() {
        let offset = n * (k + 1);
        raw.extend_from_slice(s.raw());
        margins.append(s.margins(), offset);
        if *pooled_only {
            (offset..offset + n).for_each(|c| margins.unpublished(c));
        }
    }
    tie(&mut margins, n, each.len());
    let pooled_only: Vec<bool> = partners.iter().map(|(_, p)| *p).collect();
    let applications = funnel.map(|f| FunnelBlocks::append(f, &pooled_only, (&mut raw, &mut margins))).transpose()?;
    let travel = commute.map(|c| CommuteBlocks::append(c, &pooled_only, (&mut raw, &mut margins))).transpose()?;
    let what = described(applications.is_some(), travel.is_some(), each.len());
    let (hidden, audit) = rule.protect_and_audit(&what, &raw, &rule.primary(&raw), &margins);
    let cells = cells_of(&raw, &hidden, rule);
    let blocks = commute.zip(travel.as_ref());
    let (commute_pool, commute_partners) = CommuteBlocks::of(blocks, (&hidden, &cells), &pooled_only, (&audit, rule));
    let partners_published = each
        .iter()
        .zip(partners)
        .enumerate()
        .map(|(k, (s, (_, pooled_only)))| {
            (!pooled_only).then(|| s.published(&cells[n * (k + 1)..n * (k + 2)], audit.clone()))
        })
        .collect();
    let (funnel_pool, funnel_partners) = match &applications {
        Some(blocks) => blocks.published(&cells, &pooled_only, &audit),
        None => (None, vec![None; partners.len()]),
    };
    Ok(PublishedNetwork {
        pool: pooled.published(&cells[..n], audit.clone()),
        partners: partners_published,
        funnel_pool,
        funnel_partners,
        commute_pool,
        commute_partners,
        audit,
    })
}

/// Each count as published: hidden where `hidden` says, else under `rule`.
fn cells_of(raw: &[f64], hidden: &[bool], rule: &Disclosure) -> Vec<Cell> {
    raw.iter().zip(hidden).map(|(c, h)| if *h { Cell::Suppressed } else { rule.cell(*c) }).collect()
}

/// What the system holds, in words: `partners` partners' and the pool's staff tables, with
/// `applications` their funnel tables and with `travel` their commute tables.
fn described(applications: bool, travel: bool, partners: usize) -> String {
    let what = match (applications, travel) {
        (false, false) => "staff",
        (true, false) => "staff and applications",
        (false, true) => "staff and their travel to work",
        (true, true) => "staff, applications and staff travel to work",
    };
    format!("{what}: every table of the {partners} partners and of the pool, as one system")
}

/// Each pooled count (cells `0..n`) is the sum of the `partners`' same counts (the next blocks of `n`).
fn tie(margins: &mut Margins, n: usize, partners: usize) {
    for cell in 0..n {
        margins.add((1..=partners).map(|k| k * n + cell), cell);
    }
}

/// Where the applications' systems are in the network's: the pool's, then each partner's that
/// gave applications.
struct FunnelBlocks {
    pool: (FunnelSystem, usize),
    partners: Vec<Option<(FunnelSystem, usize)>>,
}

impl FunnelBlocks {
    /// Appends the pool's and each partner's applications to the system (`raw`, `margins`), each
    /// pooled count tied to the partners' same counts; a partner published only within the pool
    /// is there unpublished.
    fn append(
        funnel: &NetworkFunnel,
        pooled_only: &[bool],
        (raw, margins): (&mut Vec<f64>, &mut Margins),
    ) -> anyhow::Result<FunnelBlocks> {
        let add = |system: &FunnelSystem, raw: &mut Vec<f64>, margins: &mut Margins| {
            let offset = raw.len();
            raw.extend_from_slice(system.raw());
            margins.append(system.margins(), offset);
            offset
        };
        let pool = funnel.pool.system(funnel.specs);
        let m = pool.raw().len();
        let pool_at = add(&pool, raw, margins);
        let mut partners = Vec::new();
        for (placed, pooled_only) in funnel.partners.iter().zip(pooled_only) {
            let Some(placed) = placed else {
                partners.push(None);
                continue;
            };
            let system = placed.system(funnel.specs);
            if system.raw().len() != m {
                anyhow::bail!(
                    "the partners' funnel tables do not have the same rows (an internal error: please report it)"
                );
            }
            let at = add(&system, raw, margins);
            if *pooled_only {
                (at..at + m).for_each(|c| margins.unpublished(c));
            }
            partners.push(Some((system, at)));
        }
        let offsets: Vec<usize> = partners.iter().flatten().map(|(_, at)| *at).collect();
        for cell in 0..m {
            margins.add(offsets.iter().map(|at| at + cell), pool_at + cell);
        }
        Ok(FunnelBlocks { pool: (pool, pool_at), partners })
    }

    /// The pool's funnel as published, and each partner's published on its own.
    fn published(
        &self,
        cells: &[Cell],
        pooled_only: &[bool],
        audit: &DisclosureAudit,
    ) -> (Option<PublishedFunnel>, Vec<Option<PublishedFunnel>>) {
        let of = |(system, at): &(FunnelSystem, usize)| {
            system.published(&cells[*at..*at + system.raw().len()], audit.clone())
        };
        let partners = self
            .partners
            .iter()
            .zip(pooled_only)
            .map(|(p, pooled_only)| p.as_ref().filter(|_| !pooled_only).map(of))
            .collect();
        (Some(of(&self.pool)), partners)
    }
}

/// Where the staff travel systems are in the network's: the pool's and each partner's, each its
/// tables' cells then its summary line's.
struct CommuteBlocks {
    pool: (usize, usize),
    partners: Vec<(usize, usize)>,
}

impl CommuteBlocks {
    /// Appends the pool's and each partner's staff travel to the system (`raw`, `margins`): each
    /// summary line adds up (rows = placed + each reason not placed), its placed count is the
    /// tables' total, and each pooled count is tied to the partners' same counts; a partner
    /// published only within the pool is there unpublished.
    fn append(
        commute: &NetworkCommute,
        pooled_only: &[bool],
        (raw, margins): (&mut Vec<f64>, &mut Margins),
    ) -> anyhow::Result<CommuteBlocks> {
        let add = |(system, line): (&CommuteSystem, &[f64]), raw: &mut Vec<f64>, margins: &mut Margins| {
            let at = raw.len();
            raw.extend_from_slice(system.raw());
            margins.append(system.margins(), at);
            let line_at = raw.len();
            raw.extend_from_slice(line);
            margins.add(line_at + 1..line_at + line.len(), line_at);
            margins.add([at + system.total()], line_at + 1);
            margins.rank(line_at, Importance::Headline);
            margins.rank(line_at + 1, Importance::Headline);
            (line_at + 2..line_at + line.len()).for_each(|c| margins.rank(c, Importance::Residual));
            (at, line_at)
        };
        let (n, l) = (commute.pool.0.raw().len(), commute.pool.1.len());
        let pool = add(commute.pool, raw, margins);
        let mut partners = Vec::new();
        for (partner, pooled_only) in commute.partners.iter().zip(pooled_only) {
            if partner.0.raw().len() != n || partner.1.len() != l {
                anyhow::bail!(
                    "the partners' commute tables do not have the same rows (an internal error: please report it)"
                );
            }
            let (at, line_at) = add(*partner, raw, margins);
            if *pooled_only {
                (at..at + n).chain(line_at..line_at + l).for_each(|c| margins.unpublished(c));
            }
            partners.push((at, line_at));
        }
        for cell in 0..n {
            margins.add(partners.iter().map(|(at, _)| at + cell), pool.0 + cell);
        }
        for cell in 0..l {
            margins.add(partners.iter().map(|(_, line_at)| line_at + cell), pool.1 + cell);
        }
        Ok(CommuteBlocks { pool, partners })
    }

    /// The pool's staff travel as published and each partner's published on its own, with
    /// `--commute` (`blocks`); none without.
    #[allow(clippy::type_complexity)]
    fn of(
        blocks: Option<(&NetworkCommute, &CommuteBlocks)>,
        (hidden, cells): (&[bool], &[Cell]),
        pooled_only: &[bool],
        (audit, rule): (&DisclosureAudit, &Disclosure),
    ) -> (Option<PublishedTravel>, Vec<Option<PublishedTravel>>) {
        match blocks {
            Some((commute, blocks)) => blocks.published(commute, (hidden, cells), pooled_only, (audit, rule)),
            None => (None, pooled_only.iter().map(|_| None).collect()),
        }
    }

    /// The pool's staff travel as published, and each partner's published on its own.
    fn published(
        &self,
        commute: &NetworkCommute,
        (hidden, cells): (&[bool], &[Cell]),
        pooled_only: &[bool],
        (audit, rule): (&DisclosureAudit, &Disclosure),
    ) -> (Option<PublishedTravel>, Vec<Option<PublishedTravel>>) {
        let of = |(system, line): (&CommuteSystem, &[f64]), (at, line_at): (usize, usize)| PublishedTravel {
            tables: system.published(&hidden[at..at + system.raw().len()], vec![audit.clone()], rule),
            line: cells[line_at..line_at + line.len()].to_vec(),
        };
        let partners = commute
            .partners
            .iter()
            .zip(&self.partners)
            .zip(pooled_only)
            .map(|((p, at), pooled_only)| (!pooled_only).then(|| of(*p, *at)))
            .collect();
        (Some(of(commute.pool, self.pool)), partners)
    }
}
