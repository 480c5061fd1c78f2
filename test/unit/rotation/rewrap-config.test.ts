import { loadRewrapConfig } from '../../../functions/src/config';

describe('rewrap configuration', () => {
  it('has defaults, caps the page size, and names a bad variable', () => {
    expect(loadRewrapConfig({})).toEqual({ pageSize: 200, budgetSeconds: 300, settleMarginSeconds: 60 });
    expect(loadRewrapConfig({ REWRAP_PAGE_SIZE: '5000', REWRAP_BUDGET_SECONDS: '60', REWRAP_SETTLE_MARGIN_SECONDS: '0' })).toEqual({
      pageSize: 500,
      budgetSeconds: 60,
      settleMarginSeconds: 0,
    });
    expect(() => loadRewrapConfig({ REWRAP_SETTLE_MARGIN_SECONDS: '-1' })).toThrow(/REWRAP_SETTLE_MARGIN_SECONDS/);
    expect(() => loadRewrapConfig({ REWRAP_PAGE_SIZE: '0' })).toThrow(/REWRAP_PAGE_SIZE/);
    expect(() => loadRewrapConfig({ REWRAP_BUDGET_SECONDS: 'soon' })).toThrow(/REWRAP_BUDGET_SECONDS/);
  });
});
