// The parts of Uppy the workspace's batch page uses, bundled by `make portal-assets`
// (esbuild) into static/vendor/uppy/uppy.min.js as one global, WarisanUppy: the core,
// the Dashboard (drag and drop, progress per file and in all) and the tus uploader,
// with Uppy's own Indonesian and Malay strings. The page's script is static/js/uploads.js.
import Uppy from '@uppy/core';
import Dashboard from '@uppy/dashboard';
import Tus from '@uppy/tus';
import idID from '@uppy/locales/lib/id_ID.js';
import msMY from '@uppy/locales/lib/ms_MY.js';

window.WarisanUppy = { Uppy, Dashboard, Tus, locales: { id: idID, ms: msMY } };
