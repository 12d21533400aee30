//! Exporting a layer as a provider: the same `WSPStartup` and `WSPPROC_TABLE` that export
//! the engine, with a [`wsp::Layered`] provider behind them.
//!
//! An [`Export`] says which layer (a constructor for it) stands on which next provider
//! ([`NextProvider`]: the in-tree engine, a provider library loaded by path, or another
//! layer). A slot configured with one ([`set_slot`]) serves the layer: its catalog is the
//! layer's chain entries ([`wsp::layer::catalog::layered_entries`] over the next
//! provider's catalog, with the layered protocol entry last), `WSPStartup` accepts those
//! entries, and every entry point and extension function calls the layered provider.
//! The layer's socket handles are made with the caller's `WPUCreateSocketHandle`.
//!
//! A layer crate becomes a provider library (a `WSPStartup` cdylib, a provider DLL on
//! Windows) with one line, [`crate::export_layer!`]:
//!
//! ```ignore
//! wsp_provider::export_layer!(MyLayer::default);
//! ```
//!
//! The library's exported `WSPStartup` and `WSPEnumCatalog` (this crate's own, linked
//! into it) then serve `MyLayer` over the engine, or over the provider library named by
//! the `WSP_LAYER_NEXT` environment variable when it is set ([`NextProvider::from_env`]).
//! The macro registers the layer when the library is loaded (a static initialiser in
//! `.init_array` / `__mod_init_func` / `.CRT$XCU`), before any entry point can run: a
//! library cannot define its own `WSPStartup` next to this crate's, and the registration
//! is a plain atomic store of a function pointer.

use crate::ForeignProvider;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use wsp::layer::catalog::{default_layer_id, layered_entries};
use wsp::types::WSAPROTOCOL_INFOW;
use wsp::upcall::{LocalUpcalls, Upcalls};
use wsp::{Layer, Layered, WsaError, WspExt};

type Wrap = dyn Fn(Arc<dyn WspExt>, Arc<dyn Upcalls>, &[WSAPROTOCOL_INFOW]) -> Arc<dyn WspExt>
    + Send
    + Sync;

/// The provider a layer stands on.
pub enum NextProvider {
    /// The in-tree engine over the portable backend (a fresh one per instance).
    Engine,
    /// A provider library loaded by path (its `WSPStartup`, catalog from its
    /// `WSPEnumCatalog`), driven through C by [`ForeignProvider`].
    Library(PathBuf),
    /// Another layer (stacking: the outer layer's chain runs through this one's).
    Layer(Box<Export>),
}

impl std::fmt::Debug for NextProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NextProvider::Engine => f.write_str("Engine"),
            NextProvider::Library(p) => f.debug_tuple("Library").field(p).finish(),
            NextProvider::Layer(x) => f.debug_tuple("Layer").field(x).finish(),
        }
    }
}

impl NextProvider {
    /// [`NextProvider::Library`] with the path in environment variable `var` if it is set
    /// and not empty, else [`NextProvider::Engine`].
    pub fn from_env(var: &str) -> NextProvider {
        match std::env::var_os(var) {
            Some(p) if !p.is_empty() => NextProvider::Library(PathBuf::from(p)),
            _ => NextProvider::Engine,
        }
    }

    fn catalog(&self) -> Result<Vec<WSAPROTOCOL_INFOW>, WsaError> {
        match self {
            NextProvider::Engine => Ok(wsp::catalog::entries()),
            NextProvider::Library(p) => ForeignProvider::load(p, None)
                .map(|f| f.catalog().to_vec())
                .map_err(|_| WsaError::WSAEPROVIDERFAILEDINIT),
            NextProvider::Layer(x) => x.try_catalog(),
        }
    }
}

/// A layer to export, over its next provider.
pub struct Export {
    name: String,
    layer_id: u32,
    next: NextProvider,
    wrap: Arc<Wrap>,
    catalog: OnceLock<Result<Vec<WSAPROTOCOL_INFOW>, WsaError>>,
}

impl std::fmt::Debug for Export {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Export")
            .field("name", &self.name)
            .field("layer_id", &self.layer_id)
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

impl Export {
    /// The layer `make` builds (one per provider instance) over `next`. Its catalog ids
    /// start at [`default_layer_id`] of its name.
    pub fn new<L: Layer>(
        make: impl Fn() -> L + Send + Sync + 'static,
        next: NextProvider,
    ) -> Export {
        let name = make().name().to_string();
        let wrap: Arc<Wrap> = Arc::new(move |below, up, chain| {
            Arc::new(Layered::with_upcalls(make(), below, up, chain)) as Arc<dyn WspExt>
        });
        Export {
            layer_id: default_layer_id(&name),
            name,
            next,
            wrap,
            catalog: OnceLock::new(),
        }
    }

    /// With the layered protocol entry's catalog id `id` (chain entries follow it).
    pub fn with_layer_id(mut self, id: u32) -> Export {
        self.layer_id = id;
        self.catalog = OnceLock::new();
        self
    }

    /// The layer's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn try_catalog(&self) -> Result<Vec<WSAPROTOCOL_INFOW>, WsaError> {
        self.catalog
            .get_or_init(|| {
                Ok(layered_entries(
                    &self.name,
                    self.layer_id,
                    &self.next.catalog()?,
                ))
            })
            .clone()
    }

    /// The layer's catalog: a chain entry per entry of the next provider, then the
    /// layered protocol entry (empty if the next provider's catalog cannot be read).
    pub fn catalog(&self) -> Vec<WSAPROTOCOL_INFOW> {
        self.try_catalog().unwrap_or_default()
    }

    /// Build the layered provider for one instance: the next provider (the engine from
    /// `engine`, a loaded library, or the inner layer), then this layer over it making its
    /// handles with `upcalls`. Inner layers make theirs with [`LocalUpcalls`].
    pub fn build(
        &self,
        upcalls: Arc<dyn Upcalls>,
        engine: &mut dyn FnMut() -> Result<Arc<dyn WspExt>, WsaError>,
    ) -> Result<Arc<dyn WspExt>, WsaError> {
        let below: Arc<dyn WspExt> = match &self.next {
            NextProvider::Engine => engine()?,
            NextProvider::Library(p) => Arc::new(
                ForeignProvider::load(p, None).map_err(|_| WsaError::WSAEPROVIDERFAILEDINIT)?,
            ),
            NextProvider::Layer(x) => x.build(Arc::new(LocalUpcalls::new()), engine)?,
        };
        Ok((self.wrap)(below, upcalls, &self.try_catalog()?))
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

static SLOT_LAYERS: [Mutex<Option<Arc<Export>>>; crate::instance::SLOTS] =
    [const { Mutex::new(None) }; crate::instance::SLOTS];

/// Set by [`crate::export_layer!`] when a layer library is loaded: slot 0 (the exported
/// `WSPStartup`) serves what it builds.
static EXPORTED: OnceLock<fn() -> Export> = OnceLock::new();

/// Register the layer the library's exported `WSPStartup` serves (what
/// [`crate::export_layer!`] calls at load time). The first registration wins.
pub fn register_export(make: fn() -> Export) {
    let _ = EXPORTED.set(make);
}

/// Configure `slot` to serve `export` (or the engine again with `None`). Takes effect
/// at the slot's next first `WSPStartup`.
pub fn set_slot(slot: usize, export: Option<Export>) {
    if let Some(c) = SLOT_LAYERS.get(slot) {
        *lock(c) = export.map(Arc::new);
    }
}

/// The layer `slot` serves, if any.
pub fn for_slot(slot: usize) -> Option<Arc<Export>> {
    let c = SLOT_LAYERS.get(slot)?;
    let mut c = lock(c);
    if c.is_none() && slot == 0 {
        if let Some(make) = EXPORTED.get() {
            *c = Some(Arc::new(make()));
        }
    }
    c.clone()
}

/// The catalog `slot` serves: the layer's, or the engine's.
pub fn catalog_for_slot(slot: usize) -> Vec<WSAPROTOCOL_INFOW> {
    match for_slot(slot) {
        Some(x) => x.catalog(),
        None => wsp::catalog::entries(),
    }
}

/// Make this library a provider of the layer `make` builds: its exported `WSPStartup` and
/// `WSPEnumCatalog` serve the layer over the in-tree engine (or over
/// [`NextProvider::from_env`]`("WSP_LAYER_NEXT")`, or the `NextProvider` given second).
///
/// `make` is a path or non-capturing closure returning the layer (`MyLayer::default`).
/// Use it once, in a `cdylib` crate that depends on `wsp-provider`.
#[macro_export]
macro_rules! export_layer {
    ($make:expr) => {
        $crate::export_layer!(
            $make,
            $crate::layer::NextProvider::from_env("WSP_LAYER_NEXT")
        );
    };
    ($make:expr, $next:expr) => {
        const _: () = {
            fn __wsp_layer_export() -> $crate::layer::Export {
                $crate::layer::Export::new($make, $next)
            }
            extern "C" fn __wsp_layer_register() {
                $crate::layer::register_export(__wsp_layer_export);
            }
            // Run when the library is loaded: registers a function pointer, nothing else.
            #[used]
            #[allow(unsafe_code)]
            #[cfg_attr(
                any(target_os = "linux", target_os = "android", target_os = "freebsd"),
                link_section = ".init_array"
            )]
            #[cfg_attr(target_vendor = "apple", link_section = "__DATA,__mod_init_func")]
            #[cfg_attr(windows, link_section = ".CRT$XCU")]
            static __WSP_LAYER_REGISTER: extern "C" fn() = __wsp_layer_register;
        };
    };
}
