// The fields of a form that confirms with the account's password: the name, hidden, so a password
// manager knows whose password to fill, and the password. Used by the Account page's forms.

/** The account's name, for password managers only. */
export function UsernameForManagers(props: { username: string }) {
  return <input type="text" name="username" autocomplete="username" value={props.username} hidden readOnly />;
}

/** The hidden name and one current-password field named `name`. */
export function ConfirmPassword(props: { id: string; name: string; label: string; username: string }) {
  return (
    <>
      <UsernameForManagers username={props.username} />
      <div class="field">
        <label for={props.id}>{props.label}</label>
        <input id={props.id} name={props.name} type="password" autocomplete="current-password" />
      </div>
    </>
  );
}
