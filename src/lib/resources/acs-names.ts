/** Name of the ACS function's execution role. */
export const acsRoleName = (functionName: string) => `${functionName}-role`.slice(0, 64)
