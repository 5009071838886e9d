//! Embedding many texts: grouped by token length so a batch pads little, fed in chunks so memory stays flat.

use super::Embedder;
use crate::error::Result;

/// Texts handed to the model per chunk: bounds the token-level outputs held at once.
pub const CHUNK: usize = 1024;

/// How texts are put into batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Batching {
    /// Sorted by token length, so each batch holds texts of similar length.
    LengthGrouped,
    /// In the order given.
    InOrder,
}

/// The order in which texts are embedded: by token length (stable), or as given.
pub fn embedding_order(embedder: &dyn Embedder, texts: &[&str], batching: Batching) -> Vec<usize> {
    let mut order: Vec<usize> = (0..texts.len()).collect();
    if batching == Batching::LengthGrouped {
        let lengths: Vec<usize> = texts.iter().map(|t| embedder.token_count(t)).collect();
        order.sort_by_key(|&i| lengths[i]);
    }
    order
}

/// Embeds `texts`, returning one vector per text in the given order.
/// `progress(done, total)` is called after each batch.
pub fn embed_all(
    embedder: &mut dyn Embedder,
    texts: &[&str],
    batch_size: usize,
    batching: Batching,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<Vec<f32>>> {
    let order = embedding_order(embedder, texts, batching);
    let mut vectors: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
    let mut done = 0;
    for chunk in order.chunks(CHUNK) {
        for batch in chunk.chunks(batch_size.max(1)) {
            let batch_texts: Vec<&str> = batch.iter().map(|&i| texts[i]).collect();
            let batch_vectors = embedder.embed_batch(&batch_texts)?;
            for (&i, vector) in batch.iter().zip(batch_vectors) {
                vectors[i] = vector;
            }
            done += batch.len();
            progress(done, texts.len());
        }
    }
    Ok(vectors)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The length of the stand-in's vectors: the real model's, so that tests size caches alike.
    pub const HASH_DIM: usize = 384;

    /// A stand-in embedder for tests where meaning does not matter: a vector derived from the text's bytes.
    pub struct HashEmbedder {
        pub batches: Vec<Vec<usize>>,
    }

    impl Embedder for HashEmbedder {
        fn dim(&self) -> usize {
            HASH_DIM
        }

        fn token_count(&self, text: &str) -> usize {
            text.split_whitespace().count() + 2
        }

        fn embed_batch(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
            self.batches
                .push(texts.iter().map(|t| self.token_count(t)).collect());
            Ok(texts.iter().map(|t| hash_vector(t)).collect())
        }
    }

    /// A unit vector that depends only on the text.
    pub fn hash_vector(text: &str) -> Vec<f32> {
        let mut state = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        let mut v: Vec<f32> = (0..HASH_DIM)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state % 2001) as f32 / 1000.0 - 1.0
            })
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        for x in &mut v {
            *x /= norm;
        }
        v
    }

    #[test]
    fn length_grouping_keeps_each_vector_with_its_text() {
        let texts = ["a b c d e f", "a", "a b c", "a b", "a b c d"];
        let mut grouped = HashEmbedder {
            batches: Vec::new(),
        };
        let mut plain = HashEmbedder {
            batches: Vec::new(),
        };
        let a = embed_all(
            &mut grouped,
            &texts,
            2,
            Batching::LengthGrouped,
            &mut |_, _| {},
        )
        .unwrap();
        let b = embed_all(&mut plain, &texts, 2, Batching::InOrder, &mut |_, _| {}).unwrap();
        assert_eq!(a, b);
        assert_eq!(a[1], hash_vector("a"));
        assert_eq!(grouped.batches, vec![vec![3, 4], vec![5, 6], vec![8]]);
        assert_eq!(plain.batches, vec![vec![8, 3], vec![5, 4], vec![6]]);
    }

    #[test]
    fn progress_reaches_the_total() {
        let texts: Vec<String> = (0..70).map(|i| format!("text {i}")).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut seen = Vec::new();
        embed_all(
            &mut HashEmbedder {
                batches: Vec::new(),
            },
            &refs,
            32,
            Batching::LengthGrouped,
            &mut |d, t| {
                seen.push((d, t));
            },
        )
        .unwrap();
        assert_eq!(seen, vec![(32, 70), (64, 70), (70, 70)]);
    }
}
