import { quote, resultsDerivedFrom } from '../../../../functions/src/jobs/photo-enhancement/app-data-queries';

describe('Drive query strings', () => {
  it('escapes quotes and backslashes in string literals', () => {
    expect(quote("it's")).toBe("'it\\'s'");
    expect(quote('a\\b')).toBe("'a\\\\b'");
  });

  it('looks for live results of one source anywhere in the app data folder (the call names the space)', () => {
    expect(resultsDerivedFrom("a'b")).toBe("trashed = false and appProperties has { key='derivedFrom' and value='a\\'b' }");
  });
});
