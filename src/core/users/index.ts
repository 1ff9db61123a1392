export { createUser, updateUser, deleteUser, type WriteOptions } from './commands';
export { getUser, listUsers, listUsersWithActivity, countUsers, listUserHistory, EXACT_COUNT_LIMIT } from './queries';
export { toUserDto, userDto, userPage, type UserDto, type UserPage } from './dto';
export {
  createUserInput,
  listUsersQuery,
  userFilterQuery,
  userSorts,
  type UserSort,
  roles,
  statuses,
  updateMeInput,
  updateUserInput,
  suspendUserInput,
  type SuspendUserInput,
  type Role,
  type Status,
  type CreateUserInput,
  type UpdateUserInput,
  type ListUsersQuery,
} from './schemas';
export { getMe, updateMe, setMyTheme, themeChoices, type ThemeChoice } from './me';
export { createOwner, hasOwner } from './create-owner';
export { planUserExport, exportUsersQuery } from './export';
export { peopleByIds, peopleOfEvents, userIdOfActor, type Person } from './people';
export { listUserSessions, revokeUserSession, signOutEverywhere, userSessionDto, SESSION_ID_MAX, type UserSessionDto } from './sessions';
export { sendPasswordReset, resendVerificationEmail, hasVerifiedEmail } from './account-emails';
export { suspendUser, liftEndedSuspensions, SUSPENSION_ENDED } from './suspension';
