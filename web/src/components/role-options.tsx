import { ROLES } from '../types';

/** The root roles as a select's options, by name (the API takes names and answers ids). */
export function RoleOptions() {
  return (
    <>
      {ROLES.map((role) => (
        <option key={role.id} value={role.name}>
          {role.name}
        </option>
      ))}
    </>
  );
}
