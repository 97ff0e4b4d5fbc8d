import { isValidElement, useContext, useMemo, type ChangeEvent, type MouseEvent, type ReactElement, type ReactNode } from 'react';
import { ConfigProvider, type CheckboxProps } from 'antd';
import useCSSVarCls from 'antd/es/config-provider/hooks/useCSSVarCls';
import useCheckboxStyle from 'antd/es/checkbox/style';

const stop = (e: MouseEvent) => e.stopPropagation(); // a click on the box is not a click on the row

/**
 * A `rowSelection.renderCell` that draws each row's check box as the DOM antd's Checkbox draws (its classes, so its
 * look, hover and focus) without the component: antd's Checkbox is a dozen hooks (theme, CSS-in-JS registration,
 * semantic styles, a wave effect) per render, and a scrolling virtual table renders the box of every row that comes
 * into view. Clicks go to antd's own handler (originNode's onChange), so shift-click ranges, the selection state and
 * onChange behave as before; what is lost is the click wave. A disabled or indeterminate box keeps antd's Checkbox.
 */
export function useLightCheckboxCell() {
  const { getPrefixCls } = useContext(ConfigProvider.ConfigContext);
  const prefix = getPrefixCls('checkbox');
  const rootCls = useCSSVarCls(prefix);
  const [hashId, cssVarCls] = useCheckboxStyle(prefix, rootCls); // registers the styles even if no antd Checkbox shows
  return useMemo(() => {
    const wrapper = `${prefix}-wrapper ${cssVarCls} ${rootCls} ${hashId}`;
    const wrapperChecked = `${prefix}-wrapper ${prefix}-wrapper-checked ${cssVarCls} ${rootCls} ${hashId}`;
    const box = `${prefix} ${hashId}`;
    const boxChecked = `${prefix} ${prefix}-checked ${hashId}`;
    const input = `${prefix}-input`;
    return (checked: boolean, _record: unknown, _index: number, originNode: ReactNode): ReactNode => {
      if (!isValidElement(originNode)) return originNode;
      const props = (originNode as ReactElement<CheckboxProps>).props;
      if (props.disabled || props.indeterminate) return originNode;
      const onChange = (e: ChangeEvent<HTMLInputElement>) => props.onChange?.({
        target: { ...props, checked: e.target.checked }, nativeEvent: e.nativeEvent,
        stopPropagation: () => e.stopPropagation(), preventDefault: () => e.preventDefault(),
      } as Parameters<NonNullable<CheckboxProps['onChange']>>[0]);
      return (
        <label className={checked ? wrapperChecked : wrapper} onClick={stop}>
          <span className={checked ? boxChecked : box}>
            <input type="checkbox" className={input} aria-label={(props as { 'aria-label'?: string })['aria-label']} checked={checked} onChange={onChange} />
          </span>
        </label>
      );
    };
  }, [prefix, rootCls, hashId, cssVarCls]);
}
