// Routes between pages by the URL's fragment (#/keys ...); the sign-in gate comes first.
import { session } from './api.js';
import { h, replace } from './dom.js';
import { signInPage } from './pages/signin.js';
import { keysPage } from './pages/keys.js';
import { modelsPage } from './pages/models.js';
import { logsPage } from './pages/logs.js';
import { dashboardPage } from './pages/dashboard.js';
import { myKeyPage } from './pages/mykey.js';
import { healthPage } from './pages/health.js';
import { doctorPage } from './pages/doctor.js';
import { teamsPage } from './pages/teams.js';
import { usersPage } from './pages/users.js';
import { organizationsPage } from './pages/organizations.js';
import { customersPage } from './pages/customers.js';

const ADMIN_PAGES = { dashboard: dashboardPage, keys: keysPage, models: modelsPage, logs: logsPage, health: healthPage, doctor: doctorPage };
// The records of the admin API, after the pages above in the menu.
Object.assign(ADMIN_PAGES, { teams: teamsPage, users: usersPage, organizations: organizationsPage, customers: customersPage });
const KEY_PAGES = { mykey: myKeyPage, models: modelsPage };

const view = document.getElementById('view');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const signOut = document.getElementById('signout');

signOut.addEventListener('click', () => {
  session.end();
  // Clearing the hash renders through hashchange; rendering here as well drew the sign-in form twice,
  // the second replacing the first while someone was typing into it.
  if (location.hash) location.hash = '';
  else render();
});

function render() {
  const role = session.role();
  if (!session.key() || !role) {
    nav.hidden = true;
    signOut.hidden = true;
    who.textContent = '';
    signInPage(view, () => {
      location.hash = session.role() === 'admin' ? '#/dashboard' : '#/mykey';
      render();
    });
    return;
  }
  const pages = role === 'admin' ? ADMIN_PAGES : KEY_PAGES;
  let name = location.hash.replace(/^#\/?/, '');
  if (!pages[name]) name = role === 'admin' ? 'dashboard' : 'mykey';
  nav.hidden = false;
  signOut.hidden = false;
  who.textContent = role === 'admin' ? 'master key' : 'virtual key';
  replace(nav, Object.keys(pages).map(page => h('a', {
    href: '#/' + page, 'data-page': page, 'aria-current': page === name ? 'page' : undefined,
  }, page === 'mykey' ? 'My key' : page[0].toUpperCase() + page.slice(1))));
  replace(view);
  view.dataset.page = name;
  pages[name](view);
  view.focus({ preventScroll: true });
}

window.addEventListener('hashchange', render);
render();
