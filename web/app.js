// lbdeploy's web UI: pairs, job history and a live job page. ES modules
// against the REST API and the job's Server-Sent Events; no build step.
// This is the entry module: it routes the location to a view.
import { showError } from './dom.js';
import { jobPage } from './job_view.js';
import { jobsPage } from './jobs_view.js';
import { navigate, onNavigate } from './nav.js';
import { pairsPage } from './pairs_view.js';

let leavePage = () => {}; // closes the current page's event stream

function markCurrentNav(path) {
  for (const link of document.querySelectorAll('[data-nav]')) {
    const nav = link.dataset.nav;
    const current = (nav === 'pairs' && path === '/') || (nav === 'jobs' && path.startsWith('/jobs'));
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function route() {
  leavePage();
  leavePage = () => {};
  const path = location.pathname;
  markCurrentNav(path);
  try {
    const job = /^\/jobs\/(\d+)$/.exec(path);
    if (job) leavePage = await jobPage(job[1]);
    else if (path === '/jobs') await jobsPage();
    else await pairsPage();
  } catch (error) {
    showError(error);
  }
}

// Same-origin links render in the page; new tabs and other sites are left to the browser.
document.addEventListener('click', (event) => {
  const link = event.target.closest('a');
  if (!link || link.target || link.origin !== location.origin || event.ctrlKey || event.metaKey) return;
  event.preventDefault();
  navigate(link.pathname + link.search);
});
window.addEventListener('popstate', () => route());
onNavigate(route);
route();
