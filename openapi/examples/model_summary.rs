fn main() {
    let path = std::env::args().nth(1).expect("spec path");
    let spec = portone_openapi::Spec::from_path(path.as_ref()).unwrap();
    for unstable in [false, true] {
        let n = portone_openapi::normalize(
            &spec,
            &portone_openapi::Options {
                unstable,
                ..Default::default()
            },
        )
        .unwrap();
        let m = &n.model;
        println!(
            "unstable={unstable} ops={} omitted={} unions={} cases={} enums={} query_body={} keeps_tag={:?}",
            m.operations.len(),
            m.omitted_unstable.len(),
            m.unions.len(),
            m.unions.iter().map(|u| u.cases.len()).sum::<usize>(),
            m.enums.len(),
            m.operations.iter().filter(|o| o.body_in_query()).count(),
            m.unions
                .iter()
                .flat_map(|u| u.cases.iter())
                .filter(|c| c.member_keeps_tag)
                .map(|c| c.member.clone())
                .collect::<std::collections::BTreeSet<_>>()
        );
    }
}
