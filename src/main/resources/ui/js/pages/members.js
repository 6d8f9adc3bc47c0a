// A team's or an organization's members: listed from the record's info, added by user id or e-mail
// (an unknown e-mail becomes a user, as the API does), removed one by one.
import { h, replace, errorBox, loading, table } from '../dom.js';

/** m: {id, load(row) -> [{user_id, user_email, role}], add(row, member), remove(row, userId), roles}. */
export function membersCard(m, row, changed) {
  const list = h('div', { id: m.id + '-members' });
  const message = h('div', { 'aria-live': 'polite' });
  const who = h('input', { id: 'f-' + m.id + '-member', name: 'member', required: true, placeholder: 'user id or e-mail' });
  const role = h('select', { id: 'f-' + m.id + '-member-role', name: 'role' },
    m.roles.map(name => h('option', { value: name }, name)));
  const form = h('form', { class: 'filters', id: m.id + '-member-add' },
    h('label', { class: 'field', for: who.id }, h('span', null, 'User id or e-mail'), who),
    h('label', { class: 'field', for: role.id }, h('span', null, 'Role'), role),
    h('button', { type: 'submit', id: m.id + '-member-submit' }, 'Add member'));
  const show = async () => {
    replace(list, loading('members'));
    try {
      const members = await m.load(row);
      replace(list, table(['User', 'E-mail', 'Role', ''], members.map(member => h('tr', { 'data-user': member.user_id },
        h('td', null, h('code', null, member.user_id)),
        h('td', null, member.user_email || '—'),
        h('td', null, member.role || '—'),
        h('td', { class: 'actions' }, h('button', { type: 'button', class: 'danger remove', onclick: async () => {
          try {
            await m.remove(row, member.user_id);
            show();
            changed();
          } catch (e) {
            replace(message, errorBox(e));
          }
        } }, 'Remove')))), 'No members yet.'));
    } catch (e) {
      replace(list, errorBox(e));
    }
  };
  form.addEventListener('submit', async event => {
    event.preventDefault();
    replace(message);
    const name = who.value.trim();
    const member = name.includes('@') ? { user_email: name, role: role.value } : { user_id: name, role: role.value };
    try {
      await m.add(row, member);
      form.reset();
      show();
      changed();
    } catch (e) {
      replace(message, errorBox(e));
    }
  });
  show();
  return h('section', { class: 'card' }, h('h2', null, 'Members'), form, message, list);
}
