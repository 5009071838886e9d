//! Handing heap that is already freed back to the system, so that a peak measured next counts the memory in use, not what earlier passes left behind.
//!
//! The embedding passes run before the serving measurement, and their freed memory stays with the
//! allocators: mimalloc keeps Rust's, and glibc keeps ONNX Runtime's (which does not go through
//! Rust's allocator), together 100-130 MB at 100k products. A serving process never ran those
//! passes, so the bench returns that memory before it resets the peak.
#![allow(unsafe_code)]

#[cfg(all(target_os = "linux", target_env = "gnu"))]
unsafe extern "C" {
    /// glibc: returns free memory at the top of the heap and in free pages of every arena.
    fn malloc_trim(pad: usize) -> std::ffi::c_int;
}

/// Returns the memory both allocators hold free to the operating system.
pub fn release_freed() {
    // SAFETY: neither call takes a pointer or touches a live allocation; both are documented as
    // callable from any thread at any time, and only unmap or advise away pages that are free.
    unsafe {
        libmimalloc_sys::mi_collect(true);
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        malloc_trim(0);
    }
}
