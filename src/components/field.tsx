import { inputStyles } from './styles';

interface FieldProps {
  name: string;
  label: string;
  error?: string;
  defaultValue?: string;
  children?: (props: { id: string; name: string; 'aria-invalid': boolean; 'aria-describedby'?: string; className: string; defaultValue?: string }) => React.ReactNode;
  type?: string;
  required?: boolean;
  autoComplete?: string;
}

/** A labelled form control with its error message wired up for assistive technology. */
export function Field({ name, label, error, defaultValue, children, type = 'text', required, autoComplete }: FieldProps) {
  const id = `field-${name}`;
  const errorId = `${id}-error`;
  const controlProps = {
    id,
    name,
    'aria-invalid': Boolean(error),
    'aria-describedby': error ? errorId : undefined,
    className: inputStyles,
    defaultValue,
  };
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children ? children(controlProps) : <input {...controlProps} type={type} required={required} autoComplete={autoComplete} />}
      {error && (
        <p id={errorId} className="text-sm text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}
