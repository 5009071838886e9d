//! Making layer 0 strongly connected: every node reachable from the entry point, and the entry point from every node.
//!
//! An HNSW build can leave nodes that no search reaches, or that a search cannot leave: neighbour
//! pruning keeps only one of a set of identical vectors and drops everything else (a duplicate is
//! never farther than the rest), and a parallel insertion can leave the entry point with no links.
//! A search starts on layer 0 wherever the upper layers led it, so both directions matter: one walk
//! each way finds the nodes at fault, and each gets one link to or from its nearest good node.

/// Adds links to `layer0` (neighbour lists per node) until every node is reachable from `entry`
/// and reaches it. `nearest(node)` gives candidate neighbours for `node`, best first; one with
/// fewer than `width` links is preferred as the far end of a link into the reachable part, so the
/// frozen lists rarely grow. Returns the links added.
pub fn connect(
    layer0: &mut [Vec<u32>],
    entry: u32,
    width: usize,
    mut nearest: impl FnMut(usize) -> Vec<u32>,
) -> usize {
    if layer0.is_empty() {
        return 0;
    }
    link_from_entry(layer0, entry, width, &mut nearest) + link_to_entry(layer0, entry, &mut nearest)
}

/// Gives each node no walk from `entry` reaches a link in from its nearest reached node.
fn link_from_entry(
    layer0: &mut [Vec<u32>],
    entry: u32,
    width: usize,
    nearest: &mut impl FnMut(usize) -> Vec<u32>,
) -> usize {
    let mut reached = vec![false; layer0.len()];
    let mut stack = Vec::new();
    mark_from(layer0, entry as usize, &mut reached, &mut stack);
    let mut added = 0;
    for node in 0..layer0.len() {
        if reached[node] {
            continue;
        }
        let candidates = reached_candidates(nearest(node), node, &reached);
        let anchor = candidates
            .iter()
            .copied()
            .find(|&c| layer0[c as usize].len() < width)
            .or_else(|| candidates.first().copied())
            .unwrap_or(entry);
        layer0[anchor as usize].push(node as u32);
        added += 1;
        mark_from(layer0, node, &mut reached, &mut stack);
    }
    added
}

/// Gives each node that cannot walk to `entry` a link out to its nearest node that can.
fn link_to_entry(
    layer0: &mut [Vec<u32>],
    entry: u32,
    nearest: &mut impl FnMut(usize) -> Vec<u32>,
) -> usize {
    let mut linked_from: Vec<Vec<u32>> = vec![Vec::new(); layer0.len()];
    for (node, list) in layer0.iter().enumerate() {
        for &next in list {
            linked_from[next as usize].push(node as u32);
        }
    }
    let mut reaches = vec![false; layer0.len()];
    let mut stack = Vec::new();
    mark_from(&linked_from, entry as usize, &mut reaches, &mut stack);
    let mut added = 0;
    for node in 0..layer0.len() {
        if reaches[node] {
            continue;
        }
        let anchor = reached_candidates(nearest(node), node, &reaches)
            .first()
            .copied()
            .unwrap_or(entry);
        layer0[node].push(anchor);
        linked_from[anchor as usize].push(node as u32);
        added += 1;
        mark_from(&linked_from, node, &mut reaches, &mut stack);
    }
    added
}

/// The candidates for `node` that are already marked, in their order.
fn reached_candidates(candidates: Vec<u32>, node: usize, marked: &[bool]) -> Vec<u32> {
    candidates
        .into_iter()
        .filter(|&c| c as usize != node && marked.get(c as usize) == Some(&true))
        .collect()
}

/// Marks everything reachable from `start` through `links`.
fn mark_from(links: &[Vec<u32>], start: usize, marked: &mut [bool], stack: &mut Vec<usize>) {
    marked[start] = true;
    stack.push(start);
    while let Some(node) = stack.pop() {
        for &next in &links[node] {
            let next = next as usize;
            if !marked[next] {
                marked[next] = true;
                stack.push(next);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node reachable from `entry`, and `entry` from every node.
    fn strongly_connected(layer0: &[Vec<u32>], entry: u32) -> bool {
        let n = layer0.len();
        let mut forward = vec![false; n];
        mark_from(layer0, entry as usize, &mut forward, &mut Vec::new());
        (0..n).all(|node| {
            let mut from_node = vec![false; n];
            mark_from(layer0, node, &mut from_node, &mut Vec::new());
            forward[node] && from_node[entry as usize]
        })
    }

    #[test]
    fn an_entry_point_without_links_is_linked_to_the_rest() {
        // As a parallel build can leave it: node 0 is the entry, and nothing leads out of it.
        let mut layer0 = vec![vec![], vec![0, 2], vec![1, 3], vec![2]];
        assert_eq!(connect(&mut layer0, 0, 4, |_| vec![0, 2, 3]), 1);
        assert_eq!(layer0[0], vec![1]);
        assert!(strongly_connected(&layer0, 0));
    }

    #[test]
    fn an_island_of_duplicates_gets_a_way_in_and_a_way_out() {
        // Nodes 3 and 4 are identical and link only to each other.
        let mut layer0 = vec![vec![1, 2], vec![0, 2], vec![0, 1], vec![4], vec![3]];
        assert_eq!(connect(&mut layer0, 0, 2, |_| vec![4, 3, 2, 1, 0]), 2);
        assert!(strongly_connected(&layer0, 0));
        // Every reachable candidate was full: the nearest one takes the extra link.
        assert_eq!(layer0[2], vec![0, 1, 3]);
        assert_eq!(layer0[3], vec![4, 2]);
    }

    #[test]
    fn a_dead_end_reachable_from_the_entry_gets_a_way_out() {
        // Node 3 is reached through node 2, but a search that starts there goes nowhere.
        let mut layer0 = vec![vec![1], vec![0, 2], vec![1, 3], vec![]];
        assert_eq!(connect(&mut layer0, 0, 4, |_| vec![2, 1]), 1);
        assert_eq!(layer0[3], vec![2]);
        assert!(strongly_connected(&layer0, 0));
    }

    #[test]
    fn a_candidate_with_room_is_preferred_and_a_connected_graph_is_left_alone() {
        let mut layer0 = vec![vec![1], vec![0, 2], vec![1], vec![]];
        assert_eq!(connect(&mut layer0, 0, 2, |_| vec![1, 2]), 2);
        assert_eq!(layer0[2], vec![1, 3]);
        assert_eq!(layer0[3], vec![1]);
        assert!(strongly_connected(&layer0, 0));
        let before = layer0.clone();
        assert_eq!(connect(&mut layer0, 0, 2, |_| vec![0]), 0);
        assert_eq!(layer0, before);
    }

    #[test]
    fn without_candidates_the_entry_point_is_the_other_end() {
        let mut layer0 = vec![vec![], vec![], vec![]];
        assert_eq!(connect(&mut layer0, 1, 4, |_| Vec::new()), 4);
        assert_eq!(layer0, vec![vec![1], vec![0, 2], vec![1]]);
        assert!(strongly_connected(&layer0, 1));
    }
}
