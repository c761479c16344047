import { IsString, Length } from 'class-validator';

export class DisconnectUserDto {
  @IsString()
  @Length(1, 64)
  user!: string;
}
