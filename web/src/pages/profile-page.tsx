import type { MeResponse } from '../types';
import { displayName, roleName } from '../types';
import { TokensSection } from './tokens-section';

interface ProfilePageProps {
  me: MeResponse;
  patLimit: number | undefined;
}

export function ProfilePage({ me, patLimit }: ProfilePageProps) {
  const { user } = me;
  return (
    <>
      <h1 tabIndex={-1}>Profile</h1>
      <dl class="profile">
        <div>
          <dt>Name</dt>
          <dd>{displayName(user)}</dd>
        </div>
        {user.email && (
          <div>
            <dt>Email</dt>
            <dd>{user.email}</dd>
          </div>
        )}
        <div>
          <dt>Role</dt>
          <dd>{roleName(user.rootRole)}</dd>
        </div>
      </dl>
      <TokensSection patLimit={patLimit} />
    </>
  );
}
